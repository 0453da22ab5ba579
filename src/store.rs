//! The files of `.faultline-cache/` under the site root (docs/cli.md): work kept between
//! runs (the search index of the last query, each entry's parse and search terms), each
//! file framed by a magic, a key, a checksum and a length, and replaced in one rename.
//!
//! Nothing in such a file is trusted: a file is used only when its key equals the key of
//! what the reader is about to do, its body matches its checksum, and every reader decodes
//! within the body's own length, checking each number against what it indexes.

use std::io::{Read, Write};
use std::path::Path;
use xxhash_rust::xxh3::xxh3_128;

/// The cache folder, under the site root.
pub(crate) const DIR: &str = ".faultline-cache";

/// Magic, key, checksum of the body, length of the body.
const HEADER: usize = 8 + 16 + 16 + 8;

/// The key and the body of the file at `path`, if it starts with `magic` and is whole.
pub(crate) fn read(path: &Path, magic: &[u8; 8]) -> Option<(u128, Vec<u8>)> {
    // Checked before opening: opening a named pipe would block until something writes.
    if !std::fs::symlink_metadata(path).ok()?.is_file() {
        return None;
    }
    let mut file = std::fs::File::open(path).ok()?;
    let mut header = [0; HEADER];
    file.read_exact(&mut header).ok()?;
    let mut head = Reader::new(&header);
    if head.take(8)? != magic {
        return None;
    }
    let key = head.u128()?;
    let checksum = head.u128()?;
    let len = u64::from_le_bytes(head.take(8)?.try_into().ok()?);
    // The file's own size bounds what is read, and a size that memory cannot hold is a miss.
    if file.metadata().ok()?.len() != len.checked_add(HEADER as u64)? {
        return None;
    }
    let mut body = Vec::new();
    body.try_reserve_exact(usize::try_from(len).ok()?).ok()?;
    file.take(len).read_to_end(&mut body).ok()?;
    if body.len() as u64 != len || xxh3_128(&body) != checksum {
        return None;
    }
    Some((key, body))
}

/// Writes `body` under `magic` and `key` at `path`, replacing the file in one rename so
/// that a run going on at the same time reads the old file or the new one, never half.
///
/// A site folder may come from anyone: the cache folder must be a real folder, not a
/// link to one elsewhere, and no file is written through a link.
pub(crate) fn write(path: &Path, magic: &[u8; 8], key: u128, body: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().expect("a cache file is inside the cache folder");
    std::fs::create_dir_all(dir)?;
    if !std::fs::symlink_metadata(dir)?.is_dir() {
        return Err(std::io::Error::other("the cache folder is a link"));
    }
    let ignore = dir.join(".gitignore");
    if std::fs::symlink_metadata(&ignore).is_err() {
        // Sites made before the cache existed do not list it in their .gitignore.
        match create_new(&ignore, &[b"# faultline's caches: safe to delete, never to commit.\n*\n"]) {
            // Another run at the same time wrote it first.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            other => other?,
        }
    }
    let mut header = Vec::with_capacity(HEADER);
    header.extend_from_slice(magic);
    header.extend_from_slice(&key.to_le_bytes());
    header.extend_from_slice(&xxh3_128(body).to_le_bytes());
    header.extend_from_slice(&(body.len() as u64).to_le_bytes());
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    // Left over by a run that was killed, with the same process id.
    let _ = std::fs::remove_file(&temporary);
    let written = create_new(&temporary, &[&header, body]).and_then(|()| std::fs::rename(&temporary, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// The seal of a body: its BLAKE3 hash, in hex. Unlike the checksum, no one can write
/// another body with the same seal, so a body sealed by a trusted record can be trusted.
pub(crate) fn seal(body: &[u8]) -> String {
    blake3::hash(body).to_hex().to_string()
}

/// The body of the file at `path` written by this binary under `magic`, if its seal is
/// `seal`.
pub(crate) fn read_sealed(path: &Path, magic: &[u8; 8], seal: &str) -> Option<Vec<u8>> {
    let (key, body) = read(path, magic)?;
    (Some(key) == binary_key() && self::seal(&body) == seal).then_some(body)
}

/// The key of what this binary computed and nothing else: another build of faultline may
/// compute other results from the same input. `None` when the binary cannot be identified.
pub(crate) fn binary_key() -> Option<u128> {
    let (size, built) = crate::load::digest::binary()?;
    Some(xxh3_128(format!("{} {size} {built}", env!("CARGO_PKG_VERSION")).as_bytes()))
}

/// Writes a file that must not exist yet, from `parts` in turn: a link in its place is an
/// error, never followed.
fn create_new(path: &Path, parts: &[&[u8]]) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    parts.iter().try_for_each(|part| file.write_all(part))
}

/// A body being written: LEB128 numbers and length-prefixed texts.
#[derive(Default)]
pub(crate) struct Writer {
    bytes: Vec<u8>,
}

impl Writer {
    pub(crate) fn with_capacity(bytes: usize) -> Writer {
        Writer { bytes: Vec::with_capacity(bytes) }
    }

    pub(crate) fn number(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.bytes.push((n as u8) | 0x80);
            n >>= 7;
        }
        self.bytes.push(n as u8);
    }

    pub(crate) fn text(&mut self, text: &str) {
        self.bytes(text.as_bytes());
    }

    pub(crate) fn bytes(&mut self, bytes: &[u8]) {
        self.number(bytes.len() as u64);
        self.bytes.extend_from_slice(bytes);
    }

    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

/// Reads from a byte slice; every method returns `None` instead of reading past its end.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// How many bytes are left to read.
    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len()
    }

    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.bytes.len() {
            return None;
        }
        let (taken, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Some(taken)
    }

    fn u128(&mut self) -> Option<u128> {
        Some(u128::from_le_bytes(self.take(16)?.try_into().ok()?))
    }

    pub(crate) fn number(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for (i, &byte) in self.bytes.iter().enumerate().take(10) {
            n |= u64::from(byte & 0x7f).checked_shl(7 * i as u32)?;
            if byte < 0x80 {
                self.bytes = &self.bytes[i + 1..];
                return Some(n);
            }
        }
        None
    }

    /// A count of items each at least `min_bytes` long: never more than the bytes left
    /// could hold, so a forged count cannot make a reader allocate more than the file.
    pub(crate) fn count(&mut self, min_bytes: usize) -> Option<usize> {
        let n = usize::try_from(self.number()?).ok()?;
        (n <= self.bytes.len() / min_bytes).then_some(n)
    }

    pub(crate) fn below(&mut self, n: u32) -> Option<u32> {
        u32::try_from(self.number()?).ok().filter(|&v| v < n)
    }

    /// Length-prefixed bytes, borrowed from the body.
    pub(crate) fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = self.count(1)?;
        self.take(len)
    }

    pub(crate) fn text(&mut self) -> Option<String> {
        String::from_utf8(self.bytes()?.to_vec()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forged_counts_do_not_allocate_beyond_the_input() {
        let mut input = Reader::new(&[0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2]);
        assert_eq!(input.count(1), None);
        let mut input = Reader::new(&[0xff; 11]);
        assert_eq!(input.number(), None);
    }

    #[test]
    fn a_file_reads_back_only_whole_and_under_its_magic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DIR).join("x.bin");
        write(&path, b"FLTEST01", 7, b"body").unwrap();
        assert_eq!(read(&path, b"FLTEST01"), Some((7, b"body".to_vec())));
        assert_eq!(read(&path, b"FLTEST02"), None);
        let mut bytes = std::fs::read(&path).unwrap();
        *bytes.last_mut().unwrap() ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(read(&path, b"FLTEST01"), None, "a flipped byte fails the checksum");
    }
}
