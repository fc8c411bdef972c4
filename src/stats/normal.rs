//! The standard normal distribution, accurate in both tails (erfc from
//! `libm`, a port of the FreeBSD/musl implementation).

use std::f64::consts::{FRAC_1_SQRT_2, PI};

/// Density φ(z).
pub fn pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * PI).sqrt()
}

/// Φ(z).
pub fn cdf(z: f64) -> f64 {
    0.5 * libm::erfc(-z * FRAC_1_SQRT_2)
}

/// 1 − Φ(z), without cancellation for large z.
pub fn sf(z: f64) -> f64 {
    0.5 * libm::erfc(z * FRAC_1_SQRT_2)
}

/// The p-quantile Φ⁻¹(p): Acklam's rational approximation (relative error
/// about 1e-9) refined by two Halley steps to full double precision.
pub fn quantile(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let low = 0.02425;
    let mut x = if p < low {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - low {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    for _ in 0..2 {
        // Halley's method on Φ(x) − p, with the error taken in the smaller tail.
        let e = if p < 0.5 {
            cdf(x) - p
        } else {
            (1.0 - p) - sf(x)
        };
        let u = e / pdf(x);
        x -= u / (1.0 + x * u / 2.0);
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdf_and_quantile_match_r() {
        // R: pnorm(c(-1.96, 1.2, -8)); qnorm(c(0.975, 0.0125, 1e-10, 0.8))
        assert!((cdf(-1.96) - 0.024_997_895_148_220_43).abs() < 1e-15);
        assert!((cdf(1.2) - 0.884_930_329_778_291_8).abs() < 1e-15);
        assert!((cdf(-8.0) / 6.220_960_574_271_785e-16 - 1.0).abs() < 1e-12);
        assert!((quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-13);
        assert!((quantile(0.0125) - -2.241_402_727_604_947).abs() < 1e-13);
        assert!((quantile(1e-10) - -6.361_340_902_404_056).abs() < 1e-10);
        assert!((quantile(0.8) - 0.841_621_233_572_914_3).abs() < 1e-13);
    }
}
