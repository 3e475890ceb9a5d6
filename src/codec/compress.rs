use crate::error::Result;
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compression {
    pub threshold: usize,
    pub level: u8,
}
impl Default for Compression {
    fn default() -> Self {
        Compression {
            threshold: 1024,
            level: 6,
        }
    }
}
impl Compression {
    pub fn validate(&self) -> Result<()> {
        Ok(())
    }
}
pub fn maybe_compress(data: &[u8], c: &Compression) -> Option<Vec<u8>> {
    let _ = (data, c);
    None
}
pub fn decompress(data: &[u8], max_output: usize) -> Result<Vec<u8>> {
    let _ = max_output;
    Ok(data.to_vec())
}
