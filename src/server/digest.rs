//! SHA-256 as lowercase hex: file hashes of cuts, session-token keys and
//! audit hashes all print it this way.

use sha2::{Digest, Sha256};

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bytes of lowercase or uppercase hex `text`; `None` when it is not
/// hex of whole bytes.
pub fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Hex SHA-256 of the file at `path`, read in blocks.
pub fn file_sha256(path: &std::path::Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let got = file.read(&mut buf)?;
        if got == 0 {
            return Ok(hasher.hex());
        }
        hasher.update(&buf[..got]);
    }
}

/// SHA-256 fed in pieces (a file as it streams past).
#[derive(Clone, Default)]
pub struct Hasher(Sha256);

impl Hasher {
    pub fn new() -> Self {
        Hasher(Sha256::new())
    }

    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The hex digest of everything fed.
    pub fn hex(self) -> String {
        hex(&self.0.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::{hex, unhex};

    #[test]
    fn unhex_reads_back_what_hex_writes_and_nothing_else() {
        let bytes = [0u8, 1, 127, 128, 254, 255];
        assert_eq!(unhex(&hex(&bytes)).as_deref(), Some(&bytes[..]));
        assert_eq!(unhex("").as_deref(), Some(&[][..]));
        assert_eq!(unhex("A0ff").as_deref(), Some(&[0xa0, 0xff][..]));
        for bad in ["0", "0g", "+1", " 1", "é1"] {
            assert_eq!(unhex(bad), None, "{bad:?}");
        }
    }
}
