// The build allocates many short strings on every thread (views, escaped text, highlighted
// spans); glibc's allocator spent more than a quarter of a 10,000-entry build in malloc and
// free (BENCHMARKS.md), mimalloc a fraction of that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `purge_delay` option: its number in `mi_option_t`, which the bindings leave
/// unnamed. The test below holds it to the option's known default.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    faultline::cli::run(keep_freed_memory)
}

/// Keeps memory the process frees for its own reuse instead of handing it back to the
/// system a second later. A build allocates and frees in waves (the site, the index, the
/// pages); returning each wave's pages and faulting them in again cost a 10,000-entry
/// build a quarter of its system time and 5-9% of its wall time (BENCHMARKS.md, "Keeping
/// freed memory"). The process ends with its command, so nothing is held for long.
/// `MIMALLOC_PURGE_DELAY`, when set, still wins.
#[allow(unsafe_code)]
fn keep_freed_memory() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: called before the command starts any thread; `mi_option_set` only stores
        // a number that mimalloc reads when it next considers returning memory.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) };
    }
}

#[cfg(test)]
mod tests {
    #[test]
    #[allow(unsafe_code)]
    fn the_purge_delay_option_is_the_one_set() {
        // mimalloc 3 delays purging by 1,000 ms unless told otherwise, and no other option
        // defaults to 1,000: a renumbered enum fails here instead of setting another option.
        // SAFETY: reading an option is a plain load.
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(super::PURGE_DELAY) }, 1000);
    }
}
