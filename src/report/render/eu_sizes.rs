//! Sizes as the EU template measures them, for the eu-summary format: per modality one amount
//! in exact integer units (text tokens, images, audio and video milliseconds), the template's
//! three size bands with their boundary rule, shares for the 3% rule, and how tokencensus
//! categories map to the template's source categories.

use super::estimate_note::sample_only;
use super::headline::text_tokens;
use super::words::{counted, quantity_words};
use super::{count_noun, hours, thousands};
use crate::stats::Category;
use crate::stats::Tally;

/// A modality of the template (its "other" modality is handled apart: nothing measures it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modality {
    /// Text, measured in tokens.
    Text,
    /// Images, measured in items.
    Image,
    /// Audio, measured in hours.
    Audio,
    /// Video, measured in hours.
    Video,
}

const MS_PER_HOUR: u64 = 3_600_000;

impl Modality {
    /// The four measured modalities in the template's order.
    pub const ALL: [Modality; 4] = [
        Modality::Text,
        Modality::Image,
        Modality::Audio,
        Modality::Video,
    ];

    /// The template's name of the modality.
    pub fn name(self) -> &'static str {
        match self {
            Modality::Text => "Text",
            Modality::Image => "Images",
            Modality::Audio => "Audio",
            Modality::Video => "Video",
        }
    }

    /// A tally's amount in exact units: tokens (of an estimate, the estimated text tokens),
    /// images, or milliseconds of audio or video.
    pub fn amount(self, t: &Tally) -> u64 {
        let m = &t.by_modality;
        match self {
            Modality::Text => text_tokens(t).0,
            Modality::Image => m.image.items,
            Modality::Audio => crate::stats::milliseconds(m.audio.seconds),
            Modality::Video => crate::stats::milliseconds(m.video.seconds),
        }
    }

    /// The interval of an estimated amount (text tokens of an estimate), else `None`.
    pub fn interval(self, t: &Tally) -> Option<(u64, u64)> {
        match self {
            Modality::Text => text_tokens(t).1,
            _ => None,
        }
    }

    /// A tally's amount exactly, with its unit and, for an estimate, its interval:
    /// `1,234 tokens (estimate; interval 1,100 to 1,400)`; an estimate's images and hours,
    /// which are the sample's, say so.
    pub fn exact_size(self, t: &Tally) -> String {
        let exact = self.exact(self.amount(t));
        match self.interval(t) {
            Some((low, high)) => format!(
                "{exact} (estimate; interval {} to {})",
                thousands(low),
                thousands(high)
            ),
            None => exact + sample_only(t),
        }
    }

    /// A tally's amount in words: an estimate's text as `an estimated 3.2 million tokens`,
    /// its images and hours as the sample's.
    pub fn size_words(self, t: &Tally) -> String {
        let words = self.words(self.amount(t));
        match self.interval(t) {
            Some(_) => format!("an estimated {}", words.trim_start_matches("about ")),
            None if t.estimate.is_some() => format!("{words} in the sample"),
            None => words,
        }
    }

    /// Whether the tally holds anything of this modality.
    pub fn used(self, t: &Tally) -> bool {
        let m = &t.by_modality;
        match self {
            Modality::Text => m.text.documents > 0 || m.text.tokens > 0,
            Modality::Image => m.image.items > 0,
            Modality::Audio => m.audio.items > 0,
            Modality::Video => m.video.items > 0,
        }
    }

    /// An amount exactly, with its unit: `1,234 tokens`, `36,039.78 hours (129,743,211.000 s)`
    /// (the seconds are exact, the hours rounded to two decimals).
    pub fn exact(self, amount: u64) -> String {
        match self {
            Modality::Text => count_noun(amount, "token", "tokens"),
            Modality::Image => count_noun(amount, "image", "images"),
            Modality::Audio | Modality::Video => format!(
                "{} hours ({}.{:03} s)",
                hours(amount as f64 / 1000.0),
                thousands(amount / 1000),
                amount % 1000
            ),
        }
    }

    /// An amount in words, rounded: `about 4.3 trillion tokens`, `about 36,000 hours`.
    pub fn words(self, amount: u64) -> String {
        match self {
            Modality::Text => counted(amount, "token", "tokens"),
            Modality::Image => counted(amount, "image", "images"),
            Modality::Audio | Modality::Video => {
                format!(
                    "{} hours",
                    quantity_words(amount as f64 / MS_PER_HOUR as f64)
                )
            }
        }
    }

    /// The template's lower and upper band bounds, in this modality's units.
    fn bounds(self) -> (u64, u64) {
        match self {
            Modality::Text => (1_000_000_000, 10_000_000_000_000),
            Modality::Image => (1_000_000, 1_000_000_000),
            Modality::Audio | Modality::Video => (10_000 * MS_PER_HOUR, 1_000_000 * MS_PER_HOUR),
        }
    }

    /// The template's three size bands, smallest first.
    pub fn bands(self) -> [&'static str; 3] {
        match self {
            Modality::Text => [
                "Less than 1 billion tokens",
                "1 billion to 10 trillion tokens",
                "More than 10 trillion tokens",
            ],
            Modality::Image => [
                "Less than 1 million images",
                "1 million to 1 billion images",
                "More than 1 billion images",
            ],
            Modality::Audio | Modality::Video => [
                "Less than 10,000 hours",
                "10,000 to 1 million hours",
                "More than 1 million hours",
            ],
        }
    }

    /// The band of an amount: "less than" and "more than" exclude their bound, so both bounds
    /// belong to the middle band.
    pub fn band(self, amount: u64) -> &'static str {
        let (low, high) = self.bounds();
        let index = if amount < low {
            0
        } else if amount <= high {
            1
        } else {
            2
        };
        self.bands()[index]
    }
}

/// The boundary rule, stated in every eu-summary.
pub const BOUNDARY_RULE: &str = "Bands follow the template's words: \"less than\" and \"more than\" exclude their bound, so exactly 1 billion tokens and exactly 10 trillion tokens both fall in the band \"1 billion to 10 trillion tokens\" (likewise exactly 1 million or 1 billion images, and exactly 10,000 or 1 million hours). Audio and video hours are the sum of the items' durations.";

/// Whether `part` is more than 3% of `whole` (exact integer comparison).
pub fn above_three_percent(part: u64, whole: u64) -> bool {
    u128::from(part) * 100 > u128::from(whole) * 3
}

/// The template's source categories (section 2) and the tokencensus categories counted in each.
pub const MAPPING: [(&str, &str, &[Category]); 7] = [
    ("2.1", "Publicly available datasets", &[Category::Public]),
    (
        "2.2.1",
        "Private datasets commercially licensed by rightsholders or their representatives",
        &[Category::Licensed],
    ),
    (
        "2.2.2",
        "Private datasets obtained from other third parties",
        &[],
    ),
    (
        "2.3",
        "Data crawled and scraped from online sources (by the provider or on its behalf)",
        &[Category::Crawled],
    ),
    (
        "2.4",
        "User data (interactions with the model; the provider's other services and products)",
        &[Category::Interactions, Category::Products],
    ),
    ("2.5", "Synthetic data", &[Category::Synthetic]),
    ("2.6", "Other sources of data", &[Category::Other]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_belong_to_the_middle_band() {
        let t = Modality::Text;
        assert_eq!(t.band(999_999_999), "Less than 1 billion tokens");
        assert_eq!(t.band(1_000_000_000), "1 billion to 10 trillion tokens");
        assert_eq!(
            t.band(10_000_000_000_000),
            "1 billion to 10 trillion tokens"
        );
        assert_eq!(t.band(10_000_000_000_001), "More than 10 trillion tokens");
        assert_eq!(
            Modality::Image.band(1_000_000),
            "1 million to 1 billion images"
        );
        assert_eq!(
            Modality::Image.band(1_000_000_001),
            "More than 1 billion images"
        );
        let hour = MS_PER_HOUR;
        assert_eq!(
            Modality::Audio.band(10_000 * hour - 1),
            "Less than 10,000 hours"
        );
        assert_eq!(
            Modality::Video.band(1_000_000 * hour),
            "10,000 to 1 million hours"
        );
        assert_eq!(
            Modality::Video.band(1_000_000 * hour + 1),
            "More than 1 million hours"
        );
    }

    #[test]
    fn three_percent_is_exclusive_and_exact() {
        assert!(!above_three_percent(3, 100));
        assert!(above_three_percent(31, 1000));
        assert!(!above_three_percent(
            u64::MAX / 100 * 3,
            u64::MAX / 100 * 100
        ));
        assert!(!above_three_percent(0, 0));
    }

    #[test]
    fn exact_hours_keep_the_milliseconds() {
        assert_eq!(
            Modality::Audio.exact(129_743_211_000),
            "36,039.78 hours (129,743,211.000 s)"
        );
        assert_eq!(Modality::Video.exact(7_200_000), "2.00 hours (7,200.000 s)");
        assert_eq!(Modality::Audio.words(129_743_211_000), "about 36,000 hours");
    }
}
