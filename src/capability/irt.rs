/*!
The numerical core of the capability fit: Epoch's item-response model on chance-normalised
scores, fitted by penalised least squares.

```text
y_mb ≈ σ(α_b · (θ_m − δ_b))        minimise  Σ (σ(·) − y_mb)² + (λ / P) · (Σ θ² + Σ δ² + Σ' α²)
```

P is the number of free parameters and Σ' runs over the free slopes (the anchor benchmark's slope
is fixed at 1). [`calibrate`] fits every θ, δ and α jointly by damped Newton steps
(Levenberg–Marquardt with the exact Hessian, Gauss–Newton's where that is not positive
definite), within Epoch's bounds; the linear systems are solved through the Schur complement on
the benchmark block, because each θ couples only to the benchmarks its model was scored on (the θ
block is diagonal), so a step costs a dense solve of 2 × benchmarks unknowns. [`score`] places one
model under fixed benchmark parameters. Both are deterministic.
*/

/// Bounds of Epoch's fit (`eci-public`, `fitting.py`): capabilities and difficulties in
/// [−10, 10], slopes in [0.1, 10].
const BOUND: f64 = 10.0;
const SLOPE_MIN: f64 = 0.1;
const SLOPE_MAX: f64 = 10.0;

pub(super) fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Scores as index arrays, already normalised for chance and clipped.
pub(super) struct Data {
    pub model: Vec<usize>,
    pub item: Vec<usize>,
    pub y: Vec<f64>,
    pub n_models: usize,
    pub n_items: usize,
}

/// Fitted parameters on the raw scale (anchor benchmark at δ = 0, α = 1).
#[derive(Debug, Clone)]
pub(super) struct Params {
    pub theta: Vec<f64>,
    pub delta: Vec<f64>,
    pub alpha: Vec<f64>,
    /// Each θ's Gauss–Newton curvature given the benchmark parameters.
    pub info: Vec<f64>,
    /// Sum of squared residuals of the scores (normalised units), penalty excluded.
    pub rss: f64,
    pub iterations: usize,
    pub converged: bool,
}

/// The penalty weight per parameter, λ / P.
pub(super) fn penalty_weight(lambda: f64, n_models: usize, n_items: usize) -> f64 {
    let free = n_models + n_items + n_items.saturating_sub(1);
    lambda / free.max(1) as f64
}

/// The joint fit. `anchor` is the benchmark whose slope is fixed at 1 and whose difficulty is
/// shifted to 0 afterwards (Epoch's identification).
pub(super) fn calibrate(d: &Data, anchor: usize, lambda: f64, max_iterations: usize) -> Params {
    let (nm, nb) = (d.n_models, d.n_items);
    let lp = penalty_weight(lambda, nm, nb);
    let mut theta = vec![0.0; nm];
    let mut alpha = vec![1.0; nb];
    // Each difficulty starts where its mean normalised score puts a model of capability 0.
    let mut delta = vec![0.0; nb];
    let mut sums = vec![(0.0, 0usize); nb];
    for (k, &b) in d.item.iter().enumerate() {
        sums[b].0 += d.y[k];
        sums[b].1 += 1;
    }
    for (b, &(s, n)) in sums.iter().enumerate() {
        let mean = (s / n.max(1) as f64).clamp(0.02, 0.98);
        delta[b] = -(mean / (1.0 - mean)).ln();
    }

    let objective = |theta: &[f64], delta: &[f64], alpha: &[f64]| -> f64 {
        let mut f = 0.0;
        for k in 0..d.y.len() {
            let (m, b) = (d.model[k], d.item[k]);
            let r = sigmoid(alpha[b] * (theta[m] - delta[b])) - d.y[k];
            f += r * r;
        }
        let pen: f64 = theta.iter().map(|x| x * x).sum::<f64>()
            + delta.iter().map(|x| x * x).sum::<f64>()
            + alpha
                .iter()
                .enumerate()
                .filter(|(b, _)| *b != anchor)
                .map(|(_, a)| a * a)
                .sum::<f64>();
        f + lp * pen
    };

    // Each model's scores, for the Schur complement.
    let mut by_model: Vec<Vec<usize>> = vec![Vec::new(); nm];
    for (k, &m) in d.model.iter().enumerate() {
        by_model[m].push(k);
    }

    let n2 = 2 * nb;
    let mut f = objective(&theta, &delta, &alpha);
    let mut mu = 1e-3;
    let mut iterations = 0;
    let mut converged = false;
    // Per score: the θ–δ and θ–α entries of the Hessian.
    let mut c_td = vec![0.0; d.y.len()];
    let mut c_ta = vec![0.0; d.y.len()];
    let mut gn_td = vec![0.0; d.y.len()];
    let mut gn_ta = vec![0.0; d.y.len()];
    let mut s_mat = vec![0.0; n2 * n2];
    let mut rhs = vec![0.0; n2];
    // Gradient, Hessian diagonal blocks, and the Gauss–Newton diagonals that scale the damping
    // (always positive, where the exact Hessian's need not be).
    let (mut g_t, mut h_t, mut gn_t) = (vec![0.0; nm], vec![0.0; nm], vec![0.0; nm]);
    let mut g_i = vec![0.0; n2];
    let (mut h_dd, mut h_aa, mut h_da) = (vec![0.0; nb], vec![0.0; nb], vec![0.0; nb]);
    let (mut gn_dd, mut gn_aa, mut gn_da) = (vec![0.0; nb], vec![0.0; nb], vec![0.0; nb]);
    let mut entries: Vec<(usize, f64)> = Vec::new();

    while iterations < max_iterations {
        iterations += 1;
        for m in 0..nm {
            g_t[m] = lp * theta[m];
            h_t[m] = lp;
            gn_t[m] = lp;
        }
        for b in 0..nb {
            let free = b != anchor;
            g_i[b] = lp * delta[b];
            g_i[nb + b] = if free { lp * alpha[b] } else { 0.0 };
            h_dd[b] = lp;
            gn_dd[b] = lp;
            h_aa[b] = if free { lp } else { 1.0 };
            gn_aa[b] = h_aa[b];
            h_da[b] = 0.0;
            gn_da[b] = 0.0;
        }
        // The exact Hessian of Σ r² / 2 is JᵀJ + Σ r·∇²r; with r = σ(α(θ − δ)) − y, s = σ(·),
        // s1 = s(1 − s), s2 = s1(1 − 2s) and x = θ − δ:
        //   ∂r/∂θ = s1·α = −∂r/∂δ,  ∂r/∂α = s1·x,
        //   ∂²r/∂θ² = ∂²r/∂δ² = −∂²r/∂θ∂δ = s2·α²,  ∂²r/∂α² = s2·x²,
        //   ∂²r/∂θ∂α = −∂²r/∂δ∂α = s2·α·x + s1.
        // Gauss–Newton alone (JᵀJ) zig-zags for many iterations on benchmarks that few models
        // reach; the exact Hessian converges in a handful.
        for k in 0..d.y.len() {
            let (m, b) = (d.model[k], d.item[k]);
            let free = b != anchor;
            let x = theta[m] - delta[b];
            let s = sigmoid(alpha[b] * x);
            let s1 = s * (1.0 - s);
            let s2 = s1 * (1.0 - 2.0 * s);
            let r = s - d.y[k];
            let t = s1 * alpha[b];
            let a = if free { s1 * x } else { 0.0 };
            let tt = s2 * alpha[b] * alpha[b];
            let ta = if free { s2 * alpha[b] * x + s1 } else { 0.0 };
            let aa = if free { s2 * x * x } else { 0.0 };
            g_t[m] += t * r;
            g_i[b] -= t * r;
            g_i[nb + b] += a * r;
            h_t[m] += t * t + r * tt;
            gn_t[m] += t * t;
            h_dd[b] += t * t + r * tt;
            gn_dd[b] += t * t;
            h_aa[b] += a * a + r * aa;
            gn_aa[b] += a * a;
            h_da[b] += -t * a - r * ta;
            gn_da[b] -= t * a;
            c_td[k] = -t * t - r * tt;
            c_ta[k] = t * a + r * ta;
            gn_td[k] = -t * t;
            gn_ta[k] = t * a;
        }

        // Damped steps until one lowers the objective: Newton's where the damped exact Hessian
        // is positive definite, Gauss–Newton's (always positive semi-definite) where it is not,
        // as near a saddle at the start.
        let mut accepted = None;
        'damping: while mu < 1e12 {
            for exact in [true, false] {
                let (ht, hdd, haa, hda, ctd, cta) = if exact {
                    (&h_t, &h_dd, &h_aa, &h_da, &c_td, &c_ta)
                } else {
                    (&gn_t, &gn_dd, &gn_aa, &gn_da, &gn_td, &gn_ta)
                };
                let d_t: Vec<f64> = (0..nm).map(|m| ht[m] + mu * gn_t[m]).collect();
                if d_t.iter().any(|&v| v <= 0.0) {
                    continue;
                }
                s_mat.iter_mut().for_each(|x| *x = 0.0);
                for b in 0..nb {
                    s_mat[b * n2 + b] = hdd[b] + mu * gn_dd[b];
                    s_mat[(nb + b) * n2 + nb + b] = haa[b] + mu * gn_aa[b];
                    s_mat[b * n2 + nb + b] = hda[b];
                    s_mat[(nb + b) * n2 + b] = hda[b];
                }
                for (i, r) in rhs.iter_mut().enumerate() {
                    *r = -g_i[i];
                }
                for (m, ks) in by_model.iter().enumerate() {
                    let dm = d_t[m];
                    entries.clear();
                    for &k in ks {
                        let b = d.item[k];
                        entries.push((b, ctd[k]));
                        entries.push((nb + b, cta[k]));
                    }
                    for &(i, vi) in &entries {
                        rhs[i] += vi * g_t[m] / dm;
                        let row = i * n2;
                        for &(j, vj) in &entries {
                            s_mat[row + j] -= vi * vj / dm;
                        }
                    }
                }
                if !cholesky_solve(&mut s_mat, &mut rhs, n2) {
                    continue;
                }
                let step_items = &rhs;
                let mut new_theta = theta.clone();
                let mut step_max = 0.0f64;
                for (m, ks) in by_model.iter().enumerate() {
                    let cross: f64 = ks
                        .iter()
                        .map(|&k| {
                            let b = d.item[k];
                            ctd[k] * step_items[b] + cta[k] * step_items[nb + b]
                        })
                        .sum();
                    let step = -(g_t[m] + cross) / d_t[m];
                    step_max = step_max.max(step.abs());
                    new_theta[m] = (theta[m] + step).clamp(-BOUND, BOUND);
                }
                let mut new_delta = delta.clone();
                let mut new_alpha = alpha.clone();
                for b in 0..nb {
                    step_max = step_max.max(step_items[b].abs());
                    new_delta[b] = (delta[b] + step_items[b]).clamp(-BOUND, BOUND);
                    if b != anchor {
                        step_max = step_max.max(step_items[nb + b].abs());
                        new_alpha[b] = (alpha[b] + step_items[nb + b]).clamp(SLOPE_MIN, SLOPE_MAX);
                    }
                }
                let f_new = objective(&new_theta, &new_delta, &new_alpha);
                if f_new <= f {
                    accepted = Some((new_theta, new_delta, new_alpha, f_new, step_max));
                    break 'damping;
                }
            }
            mu *= 4.0;
        }
        let Some((t, de, a, f_step, step_max)) = accepted else {
            // No damped step lowers the objective: a (local) minimum to working precision.
            converged = true;
            break;
        };
        theta = t;
        delta = de;
        alpha = a;
        // The data cannot see a common shift of every θ and δ; only the penalty does, and it is
        // least when their mean is 0. Taking that exactly removes the one direction along which
        // the objective is nearly flat (curvature λ/P), where damped steps would crawl.
        let mean = (theta.iter().sum::<f64>() + delta.iter().sum::<f64>()) / (nm + nb) as f64;
        let shifted =
            |v: &[f64]| -> Vec<f64> { v.iter().map(|x| (x - mean).clamp(-BOUND, BOUND)).collect() };
        let (t_c, d_c) = (shifted(&theta), shifted(&delta));
        let f_centred = objective(&t_c, &d_c, &alpha);
        let f_new = if f_centred <= f_step {
            theta = t_c;
            delta = d_c;
            f_centred
        } else {
            f_step
        };
        let decrease = f - f_new;
        f = f_new;
        mu = (mu / 4.0).max(1e-12);
        if decrease <= 1e-12 * f.max(1e-300) || step_max < 1e-9 {
            converged = true;
            break;
        }
    }

    // Epoch's identification: the anchor benchmark's difficulty is 0.
    let shift = delta[anchor];
    theta.iter_mut().for_each(|t| *t -= shift);
    delta.iter_mut().for_each(|x| *x -= shift);
    let mut info = vec![lp; nm];
    let mut rss = 0.0;
    for k in 0..d.y.len() {
        let (m, b) = (d.model[k], d.item[k]);
        let s = sigmoid(alpha[b] * (theta[m] - delta[b]));
        let t = s * (1.0 - s) * alpha[b];
        info[m] += t * t;
        rss += (s - d.y[k]).powi(2);
    }
    Params {
        theta,
        delta,
        alpha,
        info,
        rss,
        iterations,
        converged,
    }
}

/// One model's capability under fixed benchmark parameters `(δ, α, y)`, with the same penalty
/// weight `lp` as the joint fit: the θ that minimises Σ (σ(α(θ − δ)) − y)² + lp·θ², and its
/// curvature. A coarse grid over the bounds first, so that a flat or two-valleyed objective
/// cannot trap the refinement.
pub(super) fn score(rows: &[(f64, f64, f64)], lp: f64) -> (f64, f64) {
    let objective = |t: f64| -> f64 {
        rows.iter()
            .map(|&(delta, alpha, y)| (sigmoid(alpha * (t - delta)) - y).powi(2))
            .sum::<f64>()
            + lp * t * t
    };
    let mut theta = (0..=80)
        .map(|i| -BOUND + 0.25 * f64::from(i))
        .min_by(|a, b| objective(*a).total_cmp(&objective(*b)))
        .unwrap_or(0.0);
    let mut f = objective(theta);
    for _ in 0..100 {
        let (mut g, mut h) = (lp * theta, lp);
        for &(delta, alpha, y) in rows {
            let s = sigmoid(alpha * (theta - delta));
            let t = s * (1.0 - s) * alpha;
            g += t * (s - y);
            h += t * t;
        }
        let mut step = -g / h;
        let mut next = (theta + step).clamp(-BOUND, BOUND);
        let mut f_next = objective(next);
        while f_next > f && step.abs() > 1e-12 {
            step /= 2.0;
            next = (theta + step).clamp(-BOUND, BOUND);
            f_next = objective(next);
        }
        if f_next > f {
            break;
        }
        let moved = (next - theta).abs();
        theta = next;
        f = f_next;
        if moved < 1e-10 {
            break;
        }
    }
    let h = lp
        + rows
            .iter()
            .map(|&(delta, alpha, _)| {
                let s = sigmoid(alpha * (theta - delta));
                (s * (1.0 - s) * alpha).powi(2)
            })
            .sum::<f64>();
    (theta, h)
}

/// Solves `a · x = b` in place for a symmetric positive-definite `a` (row-major, n × n) by
/// Cholesky; `b` becomes `x`. False when `a` is not positive definite.
fn cholesky_solve(a: &mut [f64], b: &mut [f64], n: usize) -> bool {
    for j in 0..n {
        let mut diag = a[j * n + j];
        for k in 0..j {
            diag -= a[j * n + k] * a[j * n + k];
        }
        if diag <= 0.0 || !diag.is_finite() {
            return false;
        }
        let diag = diag.sqrt();
        a[j * n + j] = diag;
        for i in j + 1..n {
            let mut v = a[i * n + j];
            for k in 0..j {
                v -= a[i * n + k] * a[j * n + k];
            }
            a[i * n + j] = v / diag;
        }
    }
    for i in 0..n {
        let mut v = b[i];
        for k in 0..i {
            v -= a[i * n + k] * b[k];
        }
        b[i] = v / a[i * n + i];
    }
    for i in (0..n).rev() {
        let mut v = b[i];
        for k in i + 1..n {
            v -= a[k * n + i] * b[k];
        }
        b[i] = v / a[i * n + i];
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_solves_a_positive_definite_system_and_refuses_an_indefinite_one() {
        let mut a = vec![4.0, 2.0, 2.0, 3.0];
        let mut b = vec![2.0, 1.0];
        assert!(cholesky_solve(&mut a, &mut b, 2));
        assert!((b[0] - 0.5).abs() < 1e-12 && b[1].abs() < 1e-12, "{b:?}");
        let mut a = vec![1.0, 2.0, 2.0, 1.0];
        assert!(!cholesky_solve(&mut a, &mut [1.0, 1.0], 2));
    }

    #[test]
    fn scoring_inverts_the_item_curve() {
        // Three benchmarks, a model at θ = 0.7, exact normalised scores: θ comes back.
        let items = [(-1.0, 1.0), (0.5, 2.0), (1.5, 0.8)];
        let rows: Vec<(f64, f64, f64)> = items
            .iter()
            .map(|&(d, a)| (d, a, sigmoid(a * (0.7 - d))))
            .collect();
        let (theta, h) = score(&rows, 0.0);
        assert!((theta - 0.7).abs() < 1e-8, "{theta}");
        assert!(h > 0.0);
    }
}
