//! The distribution of tokens per document: an HDR histogram (3 significant digits) plus the
//! exact minimum, maximum and sum, so that min, max and mean are exact and percentiles are
//! within 0.1% of the true value.

use super::FormError;
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};
use std::ops::AddAssign;

/// Significant decimal digits kept by the histogram: percentiles are exact to within 0.1%.
pub const SIGNIFICANT_DIGITS: u8 = 3;

/// A mergeable distribution of per-document token counts.
#[derive(Debug, Clone)]
pub struct TokenDistribution {
    /// Allocated at the first value, so that empty distributions (one per source in every
    /// per-thread or per-file accumulator) cost nothing.
    histogram: Option<Histogram<u64>>,
    min: u64,
    max: u64,
    sum: u64,
}

impl Default for TokenDistribution {
    fn default() -> Self {
        Self {
            histogram: None,
            min: u64::MAX,
            max: 0,
            sum: 0,
        }
    }
}

impl PartialEq for TokenDistribution {
    fn eq(&self, other: &Self) -> bool {
        self.count() == other.count()
            && self.min == other.min
            && self.max == other.max
            && self.sum == other.sum
            && (self.count() == 0 || self.histogram == other.histogram)
    }
}

/// The published figures of a distribution.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DistributionSummary {
    /// Smallest value (exact).
    pub min: u64,
    /// Arithmetic mean (exact sum divided by count).
    pub mean: f64,
    /// Median (HDR histogram, within 0.1%).
    pub p50: u64,
    /// 90th percentile (HDR histogram, within 0.1%).
    pub p90: u64,
    /// 99th percentile (HDR histogram, within 0.1%).
    pub p99: u64,
    /// Largest value (exact).
    pub max: u64,
}

impl TokenDistribution {
    /// Records one document's token count.
    #[inline]
    pub fn record(&mut self, tokens: u64) {
        // `record` grows the auto-resizing histogram; `saturating_record` would clamp large values.
        let histogram = self.histogram_mut();
        if histogram.record(tokens).is_err() {
            histogram.saturating_record(tokens);
        }
        self.min = self.min.min(tokens);
        self.max = self.max.max(tokens);
        self.sum += tokens;
    }

    /// Number of recorded documents.
    pub fn count(&self) -> u64 {
        self.histogram.as_ref().map_or(0, Histogram::len)
    }

    fn histogram_mut(&mut self) -> &mut Histogram<u64> {
        self.histogram.get_or_insert_with(|| {
            Histogram::new(SIGNIFICANT_DIGITS).expect("valid histogram precision")
        })
    }

    /// The summary figures, or `None` when nothing was recorded.
    pub fn summary(&self) -> Option<DistributionSummary> {
        let n = self.count();
        let histogram = self.histogram.as_ref().filter(|_| n > 0)?;
        // The histogram reports the highest value equivalent to a bucket; clamp into the exact
        // range so that no percentile lies outside [min, max].
        let at = |q: f64| histogram.value_at_quantile(q).clamp(self.min, self.max);
        Some(DistributionSummary {
            min: self.min,
            mean: self.sum as f64 / n as f64,
            p50: at(0.50),
            p90: at(0.90),
            p99: at(0.99),
            max: self.max,
        })
    }
}

impl TokenDistribution {
    /// Each non-empty histogram bucket as (its highest equivalent value clamped into the exact
    /// `[min, max]`, documents), in increasing order: what a chart of the distribution draws.
    pub fn buckets(&self) -> Vec<(u64, u64)> {
        let Some(histogram) = self.histogram.as_ref() else {
            return Vec::new();
        };
        histogram
            .iter_recorded()
            .map(|v| {
                let value = v.value_iterated_to().clamp(self.min, self.max);
                (value, v.count_at_value())
            })
            .collect()
    }

    /// The histogram in HDR V2 deflate encoding, base64: what a report carries so that a later
    /// merge is exact. `None` when nothing was recorded.
    pub fn to_base64(&self) -> Option<String> {
        use base64::Engine as _;
        use hdrhistogram::serialization::{Serializer, V2DeflateSerializer};
        let histogram = self.histogram.as_ref().filter(|h| !h.is_empty())?;
        // Histograms with equal counts may differ in how far they have grown; a copy sized by
        // the largest value alone makes equal distributions encode to equal text.
        let mut canonical =
            Histogram::<u64>::new_with_max(histogram.max().max(2), SIGNIFICANT_DIGITS)
                .expect("valid histogram bounds");
        canonical
            .add(histogram)
            .expect("the copy is sized for every value");
        let mut bytes = Vec::new();
        V2DeflateSerializer::new()
            .serialize(&canonical, &mut bytes)
            .expect("serializing into memory cannot fail");
        Some(base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    /// Rebuilds a distribution from a report's histogram and its exact minimum, maximum and
    /// sum (the sum of tokens per document is the source's token count).
    pub fn from_base64(encoded: &str, min: u64, max: u64, sum: u64) -> Result<Self, FormError> {
        Self::decode(encoded, min, max, sum).map_err(FormError::Undecodable)
    }

    fn decode(encoded: &str, min: u64, max: u64, sum: u64) -> Result<Self, String> {
        use base64::Engine as _;
        use hdrhistogram::serialization::Deserializer;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|e| format!("histogram is not base64: {e}"))?;
        let decoded: Histogram<u64> = Deserializer::new()
            .deserialize(&mut bytes.as_slice())
            .map_err(|e| format!("histogram does not decode: {e:?}"))?;
        if decoded.sigfig() != SIGNIFICANT_DIGITS {
            return Err(format!(
                "histogram keeps {} significant digits, not {SIGNIFICANT_DIGITS}",
                decoded.sigfig()
            ));
        }
        let mut distribution = Self::default();
        distribution
            .histogram_mut()
            .add(&decoded)
            .map_err(|e| format!("histogram does not merge: {e:?}"))?;
        let agrees = distribution.count() == 0
            || (min <= max
                && decoded.equivalent(decoded.min(), min)
                && decoded.equivalent(decoded.max(), max));
        if !agrees {
            return Err("histogram disagrees with its minimum and maximum".into());
        }
        distribution.min = min;
        distribution.max = max;
        distribution.sum = sum;
        Ok(distribution)
    }
}

impl AddAssign<&TokenDistribution> for TokenDistribution {
    fn add_assign(&mut self, other: &TokenDistribution) {
        if let Some(theirs) = &other.histogram {
            self.histogram_mut()
                .add(theirs)
                .expect("auto-resizing histograms always merge");
        }
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.sum += other.sum;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trip_is_exact_and_merges_like_the_original() {
        let mut a = TokenDistribution::default();
        let mut b = TokenDistribution::default();
        for v in [0u64, 1, 7, 1000, 123_456, 9_999_999] {
            a.record(v);
        }
        for v in [3u64, 5, 77_777] {
            b.record(v);
        }
        let back = |d: &TokenDistribution| {
            TokenDistribution::from_base64(&d.to_base64().unwrap(), d.min, d.max, d.sum).unwrap()
        };
        assert_eq!(back(&a), a);
        let mut merged = back(&a);
        merged += &back(&b);
        let mut direct = a.clone();
        direct += &b;
        assert_eq!(merged, direct);
        assert_eq!(merged.to_base64(), direct.to_base64());
        assert_eq!(TokenDistribution::default().to_base64(), None);
        assert!(TokenDistribution::from_base64("not base64!", 0, 0, 0).is_err());
        assert!(TokenDistribution::from_base64("AAAA", 0, 0, 0).is_err());
    }

    #[test]
    fn summary_is_exact_at_the_ends_and_close_in_between() {
        let mut d = TokenDistribution::default();
        for v in 1..=1000u64 {
            d.record(v);
        }
        let s = d.summary().unwrap();
        assert_eq!((s.min, s.max), (1, 1000));
        assert!((s.mean - 500.5).abs() < 1e-9);
        assert_eq!(s.p50, 500);
        assert_eq!(s.p90, 900);
        assert_eq!(s.p99, 990);
    }

    #[test]
    fn buckets_hold_every_document_once() {
        let mut d = TokenDistribution::default();
        for v in [0u64, 3, 3, 2_047, 50_000, 50_010, 9_000_000] {
            d.record(v);
        }
        let buckets = d.buckets();
        assert_eq!(buckets.iter().map(|b| b.1).sum::<u64>(), 7);
        assert_eq!(buckets[0], (0, 1));
        assert_eq!(buckets[1], (3, 2));
        assert_eq!(
            buckets.last().unwrap().0,
            9_000_000,
            "clamped to the exact max"
        );
        assert!(buckets.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(TokenDistribution::default().buckets().is_empty());
    }

    #[test]
    fn zero_token_documents_and_empty_distributions() {
        assert!(TokenDistribution::default().summary().is_none());
        let mut d = TokenDistribution::default();
        d.record(0);
        d.record(0);
        let s = d.summary().unwrap();
        assert_eq!((s.min, s.p50, s.max), (0, 0, 0));
    }

    #[test]
    fn percentiles_of_large_values_are_not_clamped() {
        let mut d = TokenDistribution::default();
        for v in [10u64, 20, 5_000, 70_000, 3_000_000] {
            d.record(v);
        }
        let s = d.summary().unwrap();
        assert_eq!(s.p99, 3_000_000);
        assert!((s.p90 as f64 - 3_000_000.0).abs() / 3e6 < 1e-3, "{}", s.p90);
        let mut other = TokenDistribution::default();
        other.record(50_000_000);
        d += &other;
        assert_eq!(d.summary().unwrap().p99, 50_000_000);
    }

    #[test]
    fn huge_values_keep_exact_extremes() {
        let mut d = TokenDistribution::default();
        d.record(123_456_789_012);
        d.record(3);
        let s = d.summary().unwrap();
        assert_eq!((s.min, s.max), (3, 123_456_789_012));
    }
}
