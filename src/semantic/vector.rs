//! Checking and preparing one embedding: unit length (so cosine similarity is
//! a dot product), and the optional int8 form (one scale per vector).

use crate::error::{CacheError, Result};

/// The longest embedding accepted (bge-small: 384, bge-base: 768, large: 1024).
pub const MAX_DIMENSIONS: usize = 4096;

/// How a space keeps its vectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// 4 bytes a dimension, exact cosine.
    F32,
    /// 1 byte a dimension plus a 4-byte scale; cosine within ~1e-3.
    Int8,
}

impl Precision {
    /// "f32" or "int8".
    pub fn parse(name: &str) -> Option<Precision> {
        match name {
            "f32" => Some(Precision::F32),
            "int8" => Some(Precision::Int8),
            _ => None,
        }
    }

    /// Bytes one vector of `dims` takes in a space of this precision.
    pub fn vector_bytes(self, dims: usize) -> u64 {
        match self {
            Precision::F32 => (dims as u64).saturating_mul(4),
            Precision::Int8 => (dims as u64).saturating_add(4),
        }
    }
}

fn invalid(reason: String) -> CacheError {
    CacheError::InvalidOption {
        name: "vector",
        reason,
    }
}

/// `v` scaled to unit length; refuses an empty, over-long, non-finite or
/// all-zero vector, or one whose length is not `dims` (when given).
pub fn normalised(v: &[f32], dims: Option<usize>) -> Result<Vec<f32>> {
    if v.is_empty() || v.len() > MAX_DIMENSIONS {
        return Err(invalid(format!(
            "an embedding has 1 to {MAX_DIMENSIONS} dimensions, not {}",
            v.len()
        )));
    }
    if let Some(dims) = dims.filter(|&d| d != v.len()) {
        return Err(invalid(format!(
            "expected {dims} dimensions, got {}",
            v.len()
        )));
    }
    if v.iter().any(|x| !x.is_finite()) {
        return Err(invalid("an embedding holds only finite numbers".into()));
    }
    // Summed in f64: 4096 squares of large floats must not overflow.
    let norm = v
        .iter()
        .map(|&x| f64::from(x) * f64::from(x))
        .sum::<f64>()
        .sqrt();
    if norm == 0.0 || !norm.is_finite() {
        return Err(invalid("an all-zero embedding has no direction".into()));
    }
    Ok(v.iter().map(|&x| (f64::from(x) / norm) as f32).collect())
}

/// A unit vector as int8 (each value q ≈ x / scale, |q| <= 127) and its scale.
pub fn quantised(unit: &[f32]) -> (Vec<i8>, f32) {
    let max = unit.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    if max == 0.0 {
        return (vec![0; unit.len()], 0.0);
    }
    let scale = max / 127.0;
    let q = unit
        .iter()
        .map(|&x| (x / scale).round().clamp(-127.0, 127.0) as i8)
        .collect();
    (q, scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_to_unit_length() {
        let v = normalised(&[3.0, 4.0], None).unwrap();
        assert_eq!(v, [0.6, 0.8]);
        assert!(normalised(&[3.0, 4.0], Some(3)).is_err());
    }

    #[test]
    fn refuses_vectors_without_a_direction() {
        for bad in [&[][..], &[0.0, 0.0], &[f32::NAN, 1.0], &[f32::INFINITY]] {
            assert_eq!(normalised(bad, None).unwrap_err().code(), "INVALID_OPTION");
        }
        assert!(normalised(&vec![1.0; MAX_DIMENSIONS + 1], None).is_err());
        // Squares that overflow f32 still normalise.
        assert_eq!(normalised(&[3e38, 3e38], None).unwrap().len(), 2);
    }

    #[test]
    fn quantised_values_round_trip_within_one_step() {
        let unit = normalised(&[0.1, -0.7, 0.3, 0.02], None).unwrap();
        let (q, scale) = quantised(&unit);
        assert_eq!(q.iter().map(|x| x.unsigned_abs()).max(), Some(127));
        for (x, q) in unit.iter().zip(&q) {
            assert!((x - f32::from(*q) * scale).abs() <= scale / 2.0 + 1e-6);
        }
    }
}
