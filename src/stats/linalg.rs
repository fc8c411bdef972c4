//! Small dense symmetric positive-definite systems (Cholesky), for the
//! log-rank covariance and the Cox information matrix.

/// Solve the symmetric positive-definite system `a x = b` (Cholesky);
/// `None` if `a` is not positive definite.
pub fn solve(a: &[Vec<f64>], b: &[f64]) -> Option<Vec<f64>> {
    let l = cholesky(a)?;
    let p = b.len();
    let mut y = vec![0.0; p];
    for i in 0..p {
        let s: f64 = (0..i).map(|j| l[i][j] * y[j]).sum();
        y[i] = (b[i] - s) / l[i][i];
    }
    let mut x = vec![0.0; p];
    for i in (0..p).rev() {
        let s: f64 = (i + 1..p).map(|j| l[j][i] * x[j]).sum();
        x[i] = (y[i] - s) / l[i][i];
    }
    Some(x)
}

fn cholesky(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let p = a.len();
    let mut l = vec![vec![0.0; p]; p];
    // Pivots below this fraction of the diagonal count as singular.
    let scale = a
        .iter()
        .enumerate()
        .map(|(i, r)| r[i].abs())
        .fold(0.0, f64::max);
    for i in 0..p {
        for j in 0..=i {
            let s: f64 = (0..j).map(|m| l[i][m] * l[j][m]).sum();
            if i == j {
                let d = a[i][i] - s;
                if d.is_nan() || d <= 1e-12 * scale.max(f64::MIN_POSITIVE) {
                    return None;
                }
                l[i][i] = d.sqrt();
            } else {
                l[i][j] = (a[i][j] - s) / l[j][j];
            }
        }
    }
    Some(l)
}

/// The inverse of a symmetric positive-definite matrix.
pub fn invert(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let p = a.len();
    let mut inv = vec![vec![0.0; p]; p];
    for c in 0..p {
        let mut e = vec![0.0; p];
        e[c] = 1.0;
        let col = solve(a, &e)?;
        for r in 0..p {
            inv[r][c] = col[r];
        }
    }
    Some(inv)
}
