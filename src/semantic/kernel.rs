//! Dot products of equal-length vectors, the inner loop of the semantic
//! index: f32 rows and int8 rows. With wasm SIMD (`simd128`, enabled for the
//! `edgecache/semantic` build only) four f32 lanes or sixteen int8 lanes run
//! at once; every other build, and [`Kernel::Scalar`], runs the plain loops.
//!
//! No `unsafe`: `v128_load` is unsafe, so the SIMD loops build each vector
//! from a chunk's values with the safe `f32x4(..)` / `i8x16(..)` constructors;
//! LLVM turns consecutive element loads into one `v128.load`.

/// Which loops a search runs: the fastest compiled in, or the plain ones
/// (for measurement: the benchmark compares both in one module).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kernel {
    #[default]
    /// The fastest kernel this build has (SIMD where compiled in).
    Best,
    /// The portable scalar kernel (the reference).
    Scalar,
}

impl Kernel {
    /// The kernel called `name` ("best" / "simd", "scalar").
    pub fn parse(name: &str) -> Option<Kernel> {
        match name {
            "best" | "simd" => Some(Kernel::Best),
            "scalar" => Some(Kernel::Scalar),
            _ => None,
        }
    }

    /// Whether SIMD loops are compiled into this build.
    pub const fn simd_available() -> bool {
        cfg!(all(target_arch = "wasm32", target_feature = "simd128"))
    }

    /// Σ a[i]·b[i] over the shorter length.
    #[inline]
    pub fn dot_f32(self, a: &[f32], b: &[f32]) -> f32 {
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        if self == Kernel::Best {
            return simd::dot_f32(a, b);
        }
        scalar_dot_f32(a, b)
    }

    /// Σ a[i]·b[i] over the shorter length, exact in i32 for any length up
    /// to [`crate::semantic::MAX_DIMENSIONS`] (|a[i]·b[i]| <= 127²).
    #[inline]
    pub fn dot_i8(self, a: &[i8], b: &[i8]) -> i32 {
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        if self == Kernel::Best {
            return simd::dot_i8(a, b);
        }
        scalar_dot_i8(a, b)
    }
}

/// One running sum, element by element: the plain loop (LLVM keeps it
/// scalar, since reassociating float adds would change the result).
fn scalar_dot_f32(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).fold(0.0, |s, (x, y)| s + x * y)
}

fn scalar_dot_i8(a: &[i8], b: &[i8]) -> i32 {
    a.iter()
        .zip(b)
        .map(|(&x, &y)| i32::from(x) * i32::from(y))
        .sum()
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use core::arch::wasm32::{
        f32x4, f32x4_add, f32x4_extract_lane, f32x4_mul, f32x4_splat, i8x16,
        i16x8_extend_high_i8x16, i16x8_extend_low_i8x16, i32x4_add, i32x4_dot_i16x8,
        i32x4_extract_lane, i32x4_splat, v128,
    };

    fn sum_f32(v: v128) -> f32 {
        (f32x4_extract_lane::<0>(v) + f32x4_extract_lane::<1>(v))
            + (f32x4_extract_lane::<2>(v) + f32x4_extract_lane::<3>(v))
    }

    #[inline(always)]
    fn load_f32(&[c0, c1, c2, c3]: &[f32; 4]) -> v128 {
        f32x4(c0, c1, c2, c3)
    }

    pub(super) fn dot_f32(a: &[f32], b: &[f32]) -> f32 {
        let len = a.len().min(b.len());
        let (a, b) = (
            a.get(..len).unwrap_or_default(),
            b.get(..len).unwrap_or_default(),
        );
        // Four accumulators: one add chain would wait on each add's latency.
        let mut acc = [f32x4_splat(0.0); 4];
        let ((ca, ra), (cb, rb)) = (a.as_chunks::<16>(), b.as_chunks::<16>());
        for (x, y) in ca.iter().zip(cb) {
            let (x, y) = (x.as_chunks::<4>().0, y.as_chunks::<4>().0);
            for ((s, x), y) in acc.iter_mut().zip(x).zip(y) {
                *s = f32x4_add(*s, f32x4_mul(load_f32(x), load_f32(y)));
            }
        }
        let [a0, a1, a2, a3] = acc;
        sum_f32(f32x4_add(f32x4_add(a0, a1), f32x4_add(a2, a3))) + super::scalar_dot_f32(ra, rb)
    }

    #[inline(always)]
    fn load_i8(
        &[
            c0,
            c1,
            c2,
            c3,
            c4,
            c5,
            c6,
            c7,
            c8,
            c9,
            c10,
            c11,
            c12,
            c13,
            c14,
            c15,
        ]: &[i8; 16],
    ) -> v128 {
        i8x16(
            c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15,
        )
    }

    pub(super) fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
        let len = a.len().min(b.len());
        let (a, b) = (
            a.get(..len).unwrap_or_default(),
            b.get(..len).unwrap_or_default(),
        );
        let mut acc = i32x4_splat(0);
        let ((ca, ra), (cb, rb)) = (a.as_chunks::<16>(), b.as_chunks::<16>());
        let tail = super::scalar_dot_i8(ra, rb);
        for (x, y) in ca.iter().zip(cb) {
            let (x, y) = (load_i8(x), load_i8(y));
            let lo = i32x4_dot_i16x8(i16x8_extend_low_i8x16(x), i16x8_extend_low_i8x16(y));
            let hi = i32x4_dot_i16x8(i16x8_extend_high_i8x16(x), i16x8_extend_high_i8x16(y));
            acc = i32x4_add(acc, i32x4_add(lo, hi));
        }
        i32x4_extract_lane::<0>(acc)
            .wrapping_add(i32x4_extract_lane::<1>(acc))
            .wrapping_add(i32x4_extract_lane::<2>(acc))
            .wrapping_add(i32x4_extract_lane::<3>(acc))
            .wrapping_add(tail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_products_match_a_naive_sum() {
        let a: Vec<f32> = (0..11).map(|i| i as f32 * 0.5 - 2.0).collect();
        let b: Vec<f32> = (0..11).map(|i| 1.0 - i as f32 * 0.25).collect();
        let naive: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((Kernel::Best.dot_f32(&a, &b) - naive).abs() < 1e-4);
        assert!((Kernel::Scalar.dot_f32(&a, &b) - naive).abs() < 1e-4);
        let p: Vec<i8> = (0..37).map(|i| (i * 7 % 255 - 127) as i8).collect();
        let q: Vec<i8> = (0..37).map(|i| (127 - i * 5 % 255) as i8).collect();
        let exact: i32 = p
            .iter()
            .zip(&q)
            .map(|(&x, &y)| i32::from(x) * i32::from(y))
            .sum();
        assert_eq!(Kernel::Best.dot_i8(&p, &q), exact);
        assert_eq!(Kernel::Scalar.dot_i8(&p, &q), exact);
    }

    #[test]
    fn kernels_parse_by_name() {
        assert_eq!(Kernel::parse("scalar"), Some(Kernel::Scalar));
        assert_eq!(Kernel::parse("simd"), Some(Kernel::Best));
        assert_eq!(Kernel::parse("gpu"), None);
    }
}
