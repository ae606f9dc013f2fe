//! Bounds-checked reads over a file prefix: every read either yields bytes,
//! asks for a longer prefix, or fails as truncated; nothing panics.

use crate::error::Error;

/// Why a reader stopped before finishing.
#[derive(Debug)]
pub(crate) enum Stop {
    /// The prefix is too short: this many bytes from the file start are needed.
    More(usize),
    /// The input is unreadable.
    Fail(Error),
}

impl From<Error> for Stop {
    fn from(e: Error) -> Self {
        Stop::Fail(e)
    }
}

/// The result of a reader step.
pub(crate) type Step<T> = Result<T, Stop>;

/// An `image.truncated` error.
pub(crate) fn truncated() -> Error {
    Error::invalid_image("image.truncated", "the image header is cut short")
}

/// An `image.corrupt` error with a short reason.
pub(crate) fn corrupt(why: &str) -> Stop {
    Stop::Fail(Error::invalid_image("image.corrupt", format!("the image header is corrupt: {why}")))
}

/// A prefix of a file, with the length of the whole file.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Input<'a> {
    /// The bytes read so far, from the file start.
    pub data: &'a [u8],
    /// The whole file's length.
    pub total: u64,
}

impl<'a> Input<'a> {
    /// `len` bytes at `off`, or a request for more, or truncated.
    pub fn bytes(&self, off: usize, len: usize) -> Step<&'a [u8]> {
        let end = off.checked_add(len).ok_or_else(truncated)?;
        if let Some(s) = self.data.get(off..end) {
            return Ok(s);
        }
        Err(self.need(end))
    }

    /// What to answer when `end` bytes are needed and the prefix is shorter.
    pub fn need(&self, end: usize) -> Stop {
        let have = self.data.len() as u64;
        if have < self.total && (end as u64) <= self.total {
            Stop::More(end)
        } else {
            Stop::Fail(truncated())
        }
    }

    /// Asks for `len` bytes at `off` in one step when the prefix is short, but
    /// never past the file's end; lets a walker read a whole header at once.
    pub fn prefetch(&self, off: usize, len: usize) -> Step<()> {
        let have = self.data.len();
        let end = off.saturating_add(len);
        if end <= have || have as u64 >= self.total {
            return Ok(());
        }
        let end = u64::try_from(end).unwrap_or(u64::MAX).min(self.total);
        match usize::try_from(end) {
            Ok(e) if e > have => Err(Stop::More(e)),
            _ => Ok(()),
        }
    }

    /// Fixed-size array at `off`.
    pub fn array<const N: usize>(&self, off: usize) -> Step<[u8; N]> {
        let s = self.bytes(off, N)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    /// One byte at `off`.
    pub fn u8(&self, off: usize) -> Step<u8> {
        Ok(self.array::<1>(off)?[0])
    }
}

/// Converts a file offset read from the input to `usize`, refusing values
/// this build cannot address (they cannot be inside any in-memory prefix).
pub(crate) fn offset(v: u64) -> Step<usize> {
    usize::try_from(v).map_err(|_| Stop::Fail(truncated()))
}

/// Adds two offsets, failing as truncated on overflow.
pub(crate) fn add(a: usize, b: usize) -> Step<usize> {
    a.checked_add(b).ok_or_else(|| Stop::Fail(truncated()))
}

/// Byte order of TIFF and EXIF structures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Endian {
    /// `II`: least significant byte first.
    Little,
    /// `MM`: most significant byte first.
    Big,
}

impl Endian {
    /// Reads a 16-bit value.
    pub fn u16(self, b: [u8; 2]) -> u16 {
        match self {
            Endian::Little => u16::from_le_bytes(b),
            Endian::Big => u16::from_be_bytes(b),
        }
    }
    /// Reads a 32-bit value.
    pub fn u32(self, b: [u8; 4]) -> u32 {
        match self {
            Endian::Little => u32::from_le_bytes(b),
            Endian::Big => u32::from_be_bytes(b),
        }
    }
    /// Reads a 64-bit value.
    pub fn u64(self, b: [u8; 8]) -> u64 {
        match self {
            Endian::Little => u64::from_le_bytes(b),
            Endian::Big => u64::from_be_bytes(b),
        }
    }
}

/// Fixed-size array at `off` of a plain slice, if in bounds.
pub(crate) fn arr<const N: usize>(s: &[u8], off: usize) -> Option<[u8; N]> {
    let end = off.checked_add(N)?;
    let mut a = [0u8; N];
    a.copy_from_slice(s.get(off..end)?);
    Some(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asks_for_more_only_within_the_file() {
        let data = [1u8, 2, 3];
        let short = Input { data: &data, total: 10 };
        assert!(matches!(short.bytes(2, 4), Err(Stop::More(6))));
        assert!(matches!(short.bytes(8, 4), Err(Stop::Fail(_))));
        assert!(matches!(short.bytes(usize::MAX, 2), Err(Stop::Fail(_))));
        assert!(matches!(short.prefetch(1, 100), Err(Stop::More(10))));
        assert!(matches!(short.prefetch(1, 2), Ok(())));
        let whole = Input { data: &data, total: 3 };
        assert!(matches!(whole.prefetch(1, 100), Ok(())));
        assert!(matches!(whole.bytes(2, 2), Err(Stop::Fail(_))));
        assert_eq!(whole.bytes(1, 2).ok(), Some(&data[1..3]));
    }

    #[test]
    fn plain_array_reads_are_checked() {
        assert_eq!(arr::<2>(&[1, 2, 3], 1), Some([2, 3]));
        assert_eq!(arr::<2>(&[1, 2, 3], 2), None);
        assert_eq!(arr::<2>(&[1, 2, 3], usize::MAX), None);
    }
}
