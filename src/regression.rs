/*!
Linear least squares with three coefficients, by ordinary or Huber-robust loss: the small fits the
frontier and the backtest run once per model and per resample.

Huber's loss (Huber 1964) is squared for residuals within `c·s` and linear beyond, so a handful of
models trained very differently from the rest (synthetic-data recipes, code-only models) pull the
fit as much as any other model, not quadratically more. It is solved by iteratively reweighted
least squares with the residual scale `s` re-estimated each round as the median absolute residual
/ 0.6745 (consistent for the normal's standard deviation), and `c = 1.345`, the usual constant
that keeps 95% of least squares' efficiency when the errors are normal.
*/

use serde::Serialize;

/// How residuals are weighed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Loss {
    /// Ordinary least squares.
    Ols,
    /// Huber's loss, c = 1.345 robust residual scales.
    Huber,
}

impl std::fmt::Display for Loss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Loss::Ols => "ols",
            Loss::Huber => "huber",
        })
    }
}

/// Huber's tuning constant, in robust residual scales.
pub const HUBER_C: f64 = 1.345;

/// Reweighting rounds before the Huber fit stops regardless (it converges in far fewer).
const MAX_ROUNDS: usize = 100;

/// A fitted `y = β·x`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinearFit {
    pub beta: [f64; 3],
    /// Residual spread: `√(RSS / (n − 3))` for least squares; the final robust scale
    /// (median |residual| / 0.6745) for Huber.
    pub scale: f64,
    pub n: usize,
}

impl LinearFit {
    pub fn predict(&self, x: [f64; 3]) -> f64 {
        dot(self.beta, x)
    }
}

/// Fits `y ≈ β·x` over `rows` of (x, y); `None` when the design is singular (fewer than three
/// rows, or collinear columns).
pub fn fit(rows: &[([f64; 3], f64)], loss: Loss) -> Option<LinearFit> {
    let n = rows.len();
    if n < 3 {
        return None;
    }
    let mut weights = vec![1.0; n];
    let mut beta = weighted(rows, &weights)?;
    if loss == Loss::Huber {
        for _ in 0..MAX_ROUNDS {
            let s = robust_scale(rows, beta);
            if s == 0.0 {
                break;
            }
            for (w, (x, y)) in weights.iter_mut().zip(rows) {
                let r = (y - dot(beta, *x)).abs();
                *w = if r <= HUBER_C * s {
                    1.0
                } else {
                    HUBER_C * s / r
                };
            }
            let next = weighted(rows, &weights)?;
            let moved = next
                .iter()
                .zip(beta)
                .all(|(a, b)| (a - b).abs() <= 1e-12 * (1.0 + b.abs()));
            beta = next;
            if moved {
                break;
            }
        }
    }
    let scale = match loss {
        Loss::Ols => {
            let rss: f64 = rows.iter().map(|(x, y)| (y - dot(beta, *x)).powi(2)).sum();
            if n > 3 {
                (rss / (n - 3) as f64).sqrt()
            } else {
                0.0
            }
        }
        Loss::Huber => robust_scale(rows, beta),
    };
    Some(LinearFit { beta, scale, n })
}

fn dot(beta: [f64; 3], x: [f64; 3]) -> f64 {
    beta.iter().zip(x).map(|(b, x)| b * x).sum()
}

/// Median absolute residual / 0.6745.
fn robust_scale(rows: &[([f64; 3], f64)], beta: [f64; 3]) -> f64 {
    let mut r: Vec<f64> = rows
        .iter()
        .map(|(x, y)| (y - dot(beta, *x)).abs())
        .collect();
    r.sort_by(f64::total_cmp);
    let m = r.len();
    let median = if m % 2 == 1 {
        r[m / 2]
    } else {
        (r[m / 2 - 1] + r[m / 2]) / 2.0
    };
    median / 0.6745
}

/// Weighted normal equations.
fn weighted(rows: &[([f64; 3], f64)], weights: &[f64]) -> Option<[f64; 3]> {
    let mut a = [[0.0f64; 3]; 3];
    let mut b = [0.0f64; 3];
    for ((v, y), w) in rows.iter().zip(weights) {
        for i in 0..3 {
            for j in 0..3 {
                a[i][j] += w * v[i] * v[j];
            }
            b[i] += w * v[i] * y;
        }
    }
    solve3(a, b)
}

/// Solves a 3×3 system by Gaussian elimination with partial pivoting; `None` if singular.
pub fn solve3(mut a: [[f64; 3]; 3], mut b: [f64; 3]) -> Option<[f64; 3]> {
    let scale = a.iter().flatten().fold(0.0f64, |m, x| m.max(x.abs()));
    for col in 0..3 {
        let pivot = (col..3).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() <= 1e-12 * scale.max(1.0) {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..3 {
            let f = a[row][col] / a[col][col];
            let pivot_row = a[col];
            for (cell, p) in a[row][col..].iter_mut().zip(&pivot_row[col..]) {
                *cell -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0.0; 3];
    for row in (0..3).rev() {
        let s: f64 = (row + 1..3).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    Some(x)
}

/// Least-squares slope of `ys` on `xs`; `None` with fewer than two distinct x.
pub fn slope(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let n = xs.len() as f64;
    if xs.len() < 2 {
        return None;
    }
    let mx = xs.iter().sum::<f64>() / n;
    let my = ys.iter().sum::<f64>() / n;
    let sxx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
    if sxx <= 0.0 {
        return None;
    }
    let sxy: f64 = xs.iter().zip(ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    Some(sxy / sxx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slope_is_least_squares_and_undefined_without_two_distinct_x() {
        assert_eq!(slope(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]), Some(2.0));
        assert_eq!(slope(&[1.0, 1.0], &[2.0, 4.0]), None);
        assert_eq!(slope(&[1.0], &[2.0]), None);
    }

    /// y = 2·a − 3·b + 5 on a small grid, with `outliers` rows pushed far off the plane.
    fn plane(outliers: usize) -> Vec<([f64; 3], f64)> {
        let mut rows: Vec<([f64; 3], f64)> = (0..30)
            .map(|i| {
                let (a, b) = (f64::from(i % 6), f64::from(i / 6));
                // A small, symmetric wobble so the fit is not exact.
                let e = if i % 2 == 0 { 0.05 } else { -0.05 };
                ([a, b, 1.0], 2.0 * a - 3.0 * b + 5.0 + e)
            })
            .collect();
        for row in rows.iter_mut().take(outliers) {
            row.1 += 40.0;
        }
        rows
    }

    #[test]
    fn least_squares_recovers_a_plane() {
        let f = fit(&plane(0), Loss::Ols).unwrap();
        for (b, want) in f.beta.iter().zip([2.0, -3.0, 5.0]) {
            assert!((b - want).abs() < 0.03, "{:?}", f.beta);
        }
        assert!((f.scale - 0.05).abs() < 0.01, "{}", f.scale);
        assert_eq!(f.n, 30);
        assert!((f.predict([1.0, 1.0, 1.0]) - 4.0).abs() < 0.05);
    }

    #[test]
    fn huber_holds_the_plane_where_least_squares_is_pulled_off_it() {
        let rows = plane(3);
        let ols = fit(&rows, Loss::Ols).unwrap();
        let huber = fit(&rows, Loss::Huber).unwrap();
        let off = |f: &LinearFit| (f.beta[2] - 5.0).abs();
        assert!(off(&ols) > 2.0, "{:?}", ols.beta);
        assert!(off(&huber) < 0.5, "{:?}", huber.beta);
        // The robust scale is the bulk's spread, not the outliers'.
        assert!(huber.scale < 0.2, "{}", huber.scale);
    }

    #[test]
    fn without_outliers_huber_and_least_squares_agree() {
        let rows = plane(0);
        let (ols, huber) = (
            fit(&rows, Loss::Ols).unwrap(),
            fit(&rows, Loss::Huber).unwrap(),
        );
        for (a, b) in ols.beta.iter().zip(huber.beta) {
            assert!((a - b).abs() < 1e-9, "{:?} vs {:?}", ols.beta, huber.beta);
        }
    }

    #[test]
    fn singular_designs_have_no_fit() {
        // The second column is twice the first.
        let rows: Vec<([f64; 3], f64)> = (0..6)
            .map(|i| ([f64::from(i), 2.0 * f64::from(i), 1.0], f64::from(i)))
            .collect();
        assert_eq!(fit(&rows, Loss::Ols), None);
        assert_eq!(fit(&rows, Loss::Huber), None);
        assert_eq!(fit(&rows[..2], Loss::Ols), None);
    }

    #[test]
    fn an_exact_fit_stops_reweighting() {
        let rows: Vec<([f64; 3], f64)> = (0..8)
            .map(|i| {
                let (a, b) = (f64::from(i), f64::from(i * i % 5));
                ([a, b, 1.0], a + b)
            })
            .collect();
        let f = fit(&rows, Loss::Huber).unwrap();
        assert!((f.beta[0] - 1.0).abs() < 1e-9 && (f.beta[1] - 1.0).abs() < 1e-9);
        assert!(f.scale < 1e-9);
    }
}
