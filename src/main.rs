// The build allocates many short strings on every thread (views, escaped text, highlighted
// spans); glibc's allocator spent more than a quarter of a 10,000-entry build in malloc and
// free (BENCHMARKS.md), mimalloc a fraction of that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    faultline::cli::run()
}
