//! Laplace noise for study counts, from a small seeded generator so tests can inject the seed.
//!
//! Each row's noise is drawn from a generator seeded by the participant's secret and the row's key, so
//! exporting twice gives the same noisy rows: a participant who exports again does not hand out a second,
//! independent draw that averaging could cancel.

use std::hash::Hasher;

/// A source of random 64-bit words (injectable: tests pass a seeded one).
pub trait Rng {
    fn next_u64(&mut self) -> u64;

    /// Uniform in the open interval (0, 1).
    fn next_open01(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
}

/// SplitMix64 (Steele, Lea and Flood, 2014): tiny, fast, and good enough for noise (not for secrets).
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// A generator for one row: the secret seed mixed with the row's key (FNV-1a).
    pub fn for_key(seed: u64, key: &str) -> Self {
        let mut hash = crate::fnv::Fnv1a::default();
        hash.write(key.as_bytes());
        let mut rng = SplitMix64(seed ^ hash.finish());
        rng.next_u64();
        rng
    }
}

impl Rng for SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// One draw of Laplace(0, `scale`) by inverse transform.
pub fn laplace(rng: &mut impl Rng, scale: f64) -> f64 {
    let u = rng.next_open01() - 0.5;
    -scale * u.signum() * (1.0 - 2.0 * u.abs()).ln()
}

/// A count with Laplace noise of scale 1/ε (a count's sensitivity to one action is 1), rounded to an
/// integer. Not clamped at zero: clamping would bias the sums researchers compute.
pub fn noisy_count(count: i64, epsilon: f64, rng: &mut impl Rng) -> i64 {
    (count as f64 + laplace(rng, 1.0 / epsilon)).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn laplace_draws_have_the_expected_mean_and_spread() {
        let mut rng = SplitMix64::new(42);
        let n = 200_000;
        let scale = 2.0;
        let draws: Vec<f64> = (0..n).map(|_| laplace(&mut rng, scale)).collect();
        let mean = draws.iter().sum::<f64>() / n as f64;
        let mean_abs = draws.iter().map(|d| d.abs()).sum::<f64>() / n as f64;
        // E|X| = scale for Laplace(0, scale); the standard error of these means is about 0.01 here.
        assert!(mean.abs() < 0.05, "mean {mean}");
        assert!((mean_abs - scale).abs() < 0.05, "mean |x| {mean_abs}");
    }

    #[test]
    fn the_same_seed_and_key_give_the_same_noise() {
        let a = noisy_count(10, 0.5, &mut SplitMix64::for_key(7, "labour|2026-11-29|youtube.com|like"));
        let b = noisy_count(10, 0.5, &mut SplitMix64::for_key(7, "labour|2026-11-29|youtube.com|like"));
        assert_eq!(a, b);
        let others: Vec<i64> = (0..50).map(|s| noisy_count(10, 0.5, &mut SplitMix64::for_key(s, "k"))).collect();
        assert!(others.iter().any(|&c| c != 10), "noise must change some counts");
    }
}
