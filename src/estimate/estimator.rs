//! The estimator, pure arithmetic: a stratified combined ratio estimator of a population total
//! from a sample of clusters (units), with its variance from the between-unit residuals and a
//! finite-population correction, and Student's t intervals. Nothing here reads files.
//!
//! For one group of units sharing an auxiliary size `x` (uncompressed bytes, say) whose
//! population total `X` is known, strata `h` of `N_h` units of which `n_h` were drawn without
//! replacement, and a measured value `y` (tokens, documents, text bytes) per drawn unit:
//!
//! * strata drawn whole (`n_h = N_h`) contribute their exact `Σ y`, and their `Σ x` is taken
//!   off `X`;
//! * over the other strata, `R = Σ_h N_h ȳ_h / Σ_h N_h x̄_h` and the estimate is `R · X_rest`;
//! * its variance is the stratified delete-one jackknife's: for each drawn unit `j` of stratum
//!   `h`, the estimate `Ŷ_(hj)` recomputed without it (the stratum's other units weighted
//!   `N_h / (n_h − 1)`), and `v = Σ_h v_h`, `v_h = (1 − n_h/N_h) (n_h − 1)/n_h Σ_j (Ŷ_(hj) −
//!   Ŷ_(h·))²`, with the Welch–Satterthwaite degrees of freedom `(Σ v_h)² / Σ v_h² / (n_h − 1)`
//!   (at most `Σ_h (n_h − 1)`, fewer when a few strata dominate the variance). For a linear estimator it equals the textbook
//!   `Σ_h N_h² (1 − n_h/N_h) s²_h / n_h`; for the ratio it is a little larger than the
//!   linearized residual variance, which is known to be too small in small samples.
//!
//! When the drawn units hold no auxiliary size at all (`Σ x̄ = 0`), the expansion estimator
//! `Σ_h N_h ȳ_h` (and its variance, from `y` itself) stands in.

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// One stratum: how many units it has, and the `(x, y)` of each unit drawn from it.
#[derive(Debug, Clone, PartialEq)]
pub struct StratumSample {
    /// Units in the stratum (`N_h`).
    pub units: u64,
    /// `(auxiliary size, measured value)` of each drawn unit (`n_h` of them).
    pub drawn: Vec<(f64, f64)>,
}

/// An estimated total with its variance and degrees of freedom (infinite when exact).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Total {
    /// The point estimate.
    pub value: f64,
    /// Its estimated variance (0 for an exact total).
    pub variance: f64,
    /// Degrees of freedom of the variance estimate (`f64::INFINITY` when the variance is 0).
    pub df: f64,
}

impl Total {
    /// An exactly known total.
    pub fn exact(value: f64) -> Self {
        Total {
            value,
            variance: 0.0,
            df: f64::INFINITY,
        }
    }

    /// The sum of independent estimates: values and variances add; the degrees of freedom
    /// follow Welch–Satterthwaite, `(Σ v)² / Σ (v² / df)`.
    pub fn sum(parts: impl IntoIterator<Item = Total>) -> Total {
        let (mut value, mut variance, mut spread) = (0.0, 0.0, 0.0);
        for part in parts {
            value += part.value;
            variance += part.variance;
            if part.variance > 0.0 {
                spread += part.variance * part.variance / part.df;
            }
        }
        let df = if variance > 0.0 && spread > 0.0 {
            variance * variance / spread
        } else {
            f64::INFINITY
        };
        Total {
            value,
            variance,
            df,
        }
    }

    /// The two-sided interval at `confidence` (0 < confidence < 1): `value ± t · √variance`,
    /// with the Student t quantile of `df` degrees of freedom (the normal one when infinite).
    pub fn interval(&self, confidence: f64) -> (f64, f64) {
        if self.variance <= 0.0 {
            return (self.value, self.value);
        }
        let half = quantile(confidence, self.df) * self.variance.sqrt();
        (self.value - half, self.value + half)
    }
}

/// The two-sided quantile `t` such that `P(|T| ≤ t) = confidence` for Student's t with `df`
/// degrees of freedom (the normal distribution for infinite or huge `df`).
pub fn quantile(confidence: f64, df: f64) -> f64 {
    let p = 0.5 + confidence / 2.0;
    if !df.is_finite() || df > 1e7 {
        let normal = Normal::new(0.0, 1.0).expect("the standard normal distribution");
        return normal.inverse_cdf(p);
    }
    match StudentsT::new(0.0, 1.0, df.max(1.0)) {
        Ok(t) => t.inverse_cdf(p),
        Err(_) => f64::INFINITY,
    }
}

/// The stratified combined ratio estimate of the total of `y` over a group whose auxiliary
/// total is `aux_total`, with its delete-one jackknife variance (see the module documentation).
pub fn ratio_total(strata: &[StratumSample], aux_total: f64) -> Total {
    let (mut exact, mut exact_aux) = (0.0, 0.0);
    // Per drawn stratum: units, and the sums of x and y over its drawn units.
    let mut sampled: Vec<(&StratumSample, f64, f64)> = Vec::new();
    for stratum in strata.iter().filter(|s| !s.drawn.is_empty()) {
        let sum_x: f64 = stratum.drawn.iter().map(|d| d.0).sum();
        let sum_y: f64 = stratum.drawn.iter().map(|d| d.1).sum();
        if stratum.drawn.len() as u64 >= stratum.units {
            exact += sum_y;
            exact_aux += sum_x;
        } else {
            sampled.push((stratum, sum_x, sum_y));
        }
    }
    if sampled.is_empty() {
        return Total::exact(exact);
    }
    let rest = (aux_total - exact_aux).max(0.0);
    let weight = |s: &StratumSample, n: f64| s.units as f64 / n;
    let x_hat: f64 = sampled
        .iter()
        .map(|(s, x, _)| weight(s, s.drawn.len() as f64) * x)
        .sum();
    let y_hat: f64 = sampled
        .iter()
        .map(|(s, _, y)| weight(s, s.drawn.len() as f64) * y)
        .sum();
    // The ratio estimate from expanded sums; with no auxiliary size among the drawn units the
    // ratio is undefined, and the expansion estimate stands in.
    let expand_only = x_hat <= 0.0;
    let estimate = |x: f64, y: f64| {
        if expand_only || x <= 0.0 {
            y
        } else {
            y / x * rest
        }
    };
    let value = estimate(x_hat, y_hat);
    let mut contributions = Vec::new();
    for &(stratum, sum_x, sum_y) in &sampled {
        let n = stratum.drawn.len() as f64;
        if n < 2.0 {
            continue; // the design never leaves a drawn stratum with one unit out of several
        }
        let (full, reduced) = (weight(stratum, n), weight(stratum, n - 1.0));
        let replicates: Vec<f64> = stratum
            .drawn
            .iter()
            .map(|&(x, y)| {
                let x_less = x_hat - full * sum_x + reduced * (sum_x - x);
                let y_less = y_hat - full * sum_y + reduced * (sum_y - y);
                estimate(x_less, y_less)
            })
            .collect();
        let mean = replicates.iter().sum::<f64>() / n;
        let spread: f64 = replicates.iter().map(|r| (r - mean).powi(2)).sum();
        let sampling = 1.0 - n / stratum.units as f64;
        contributions.push(Total {
            value: 0.0,
            variance: sampling * (n - 1.0) / n * spread,
            df: n - 1.0,
        });
    }
    // Strata's variances differ: their sum has the Satterthwaite degrees of freedom, fewer than
    // Σ (n_h − 1) when a few strata dominate.
    let spread = Total::sum(contributions);
    Total {
        value: exact + value,
        ..spread
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance * b.abs().max(1.0)
    }

    #[test]
    fn t_quantiles_match_the_tables() {
        assert!(close(quantile(0.95, 1.0), 12.706, 1e-4));
        assert!(close(quantile(0.95, 4.0), 2.776, 1e-3));
        assert!(close(quantile(0.95, 30.0), 2.042, 1e-3));
        assert!(close(quantile(0.90, 10.0), 1.812, 1e-3));
        assert!(close(quantile(0.95, f64::INFINITY), 1.95996, 1e-5));
    }

    /// A known sample: the estimate and its jackknife variance equal the formulas worked by hand.
    #[test]
    fn ratio_estimate_and_jackknife_variance_follow_the_formulas() {
        // Stratum 1: 4 units, drawn (x, y) = (10, 3), (20, 5); stratum 2: 3 units, drawn
        // (5, 2), (15, 4); population auxiliary total 100.
        let strata = vec![
            StratumSample {
                units: 4,
                drawn: vec![(10.0, 3.0), (20.0, 5.0)],
            },
            StratumSample {
                units: 3,
                drawn: vec![(5.0, 2.0), (15.0, 4.0)],
            },
        ];
        let total = ratio_total(&strata, 100.0);
        // ŷ = 2·8 + 1.5·6 = 25, x̂ = 2·30 + 1.5·20 = 90.
        assert!(close(total.value, 100.0 * 25.0 / 90.0, 1e-12));
        // Without a unit of stratum 1 its other unit weighs 4: (x̂, ŷ) = (110, 29) or (70, 21);
        // without a unit of stratum 2 the other weighs 3: (105, 28) or (75, 22).
        let pair = |a: f64, b: f64| (a - b).powi(2) / 2.0;
        let one = pair(100.0 * 29.0 / 110.0, 100.0 * 21.0 / 70.0);
        let two = pair(100.0 * 28.0 / 105.0, 100.0 * 22.0 / 75.0);
        let (v1, v2) = ((1.0 - 2.0 / 4.0) * 0.5 * one, (1.0 - 2.0 / 3.0) * 0.5 * two);
        assert!(close(total.variance, v1 + v2, 1e-12));
        // Satterthwaite: each stratum's variance has one degree of freedom.
        assert!(close(
            total.df,
            (v1 + v2).powi(2) / (v1 * v1 + v2 * v2),
            1e-12
        ));
        assert!(total.df > 1.0 && total.df < 2.0);
    }

    /// Over every possible sample of a small population, the estimator's mean is close to the
    /// truth (the ratio estimator's bias is small) and the average variance estimate is close to
    /// the true variance of the estimates.
    #[test]
    fn over_all_samples_the_estimator_is_nearly_unbiased() {
        let xs = [8.0, 12.0, 10.0, 9.0, 11.0, 14.0, 7.0, 10.0];
        let ys: Vec<f64> = xs
            .iter()
            .enumerate()
            .map(|(i, x)| 0.3 * x + [0.4, -0.2, 0.1, -0.5, 0.3, 0.0, -0.1, 0.2][i])
            .collect();
        let aux: f64 = xs.iter().sum();
        let truth: f64 = ys.iter().sum();
        let (mut values, mut variances) = (Vec::new(), Vec::new());
        for a in 0..8 {
            for b in a + 1..8 {
                for c in b + 1..8 {
                    let drawn = [a, b, c].iter().map(|&i| (xs[i], ys[i])).collect();
                    let t = ratio_total(&[StratumSample { units: 8, drawn }], aux);
                    values.push(t.value);
                    variances.push(t.variance);
                }
            }
        }
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        let true_variance =
            values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / values.len() as f64;
        let mean_variance = variances.iter().sum::<f64>() / variances.len() as f64;
        assert!(close(mean, truth, 0.005), "{mean} vs {truth}");
        assert!(
            mean_variance > 0.5 * true_variance && mean_variance < 2.0 * true_variance,
            "{mean_variance} vs {true_variance}"
        );
    }

    #[test]
    fn strata_drawn_whole_are_exact_and_sums_combine() {
        let whole = StratumSample {
            units: 2,
            drawn: vec![(10.0, 4.0), (30.0, 9.0)],
        };
        assert_eq!(
            ratio_total(std::slice::from_ref(&whole), 40.0),
            Total::exact(13.0)
        );
        let partial = StratumSample {
            units: 4,
            drawn: vec![(10.0, 2.0), (10.0, 4.0)],
        };
        let t = ratio_total(&[whole, partial], 80.0);
        // The sampled stratum's ratio 0.3 scales the 40 bytes left: 13 + 12.
        assert!(close(t.value, 25.0, 1e-12));
        assert!(t.variance > 0.0 && t.df == 1.0);
        let sum = Total::sum([t, Total::exact(5.0), t]);
        assert!(close(sum.value, 55.0, 1e-12));
        assert!(close(sum.variance, 2.0 * t.variance, 1e-12));
        assert!(
            close(sum.df, 2.0, 1e-12),
            "Satterthwaite: two equal parts of 1 df"
        );
        let (low, high) = sum.interval(0.95);
        assert!(low < 55.0 && high > 55.0);
        assert_eq!(Total::exact(3.0).interval(0.95), (3.0, 3.0));
    }

    #[test]
    fn drawn_units_without_size_fall_back_to_expansion() {
        let t = ratio_total(
            &[StratumSample {
                units: 10,
                drawn: vec![(0.0, 1.0), (0.0, 3.0)],
            }],
            50.0,
        );
        assert!(close(t.value, 20.0, 1e-12));
        // A linear estimator's jackknife is the textbook N² (1 − n/N) s² / n = 100 · 0.8 · 2 / 2.
        assert!(close(t.variance, 80.0, 1e-12));
    }
}
