//! Inline SVG charts drawn in Rust for the HTML format: horizontal bars, a 100% stacked bar
//! with its legend, and vertical columns with a value axis. Every drawn value is a `.mark`
//! element with a `<title>` holding the exact figure; each chart states in `data-marks` how many
//! marks have a non-zero value, which the layout check compares with what the browser drew.

use super::esc;
use crate::report::render::share;
use crate::report::render::words::count_compact;
use std::fmt::Write;

/// Width of a chart's coordinate system (it scales to its card); wide charts take twice this.
pub const WIDTH: f64 = 600.0;

/// One value of a chart.
pub struct Bar {
    /// Its label (escaped when drawn).
    pub label: String,
    /// The value.
    pub value: u64,
    /// Fill colour (CSS).
    pub color: &'static str,
    /// The tooltip: the exact figure in words of the reader.
    pub title: String,
}

fn open(id: &str, (width, height): (f64, f64), marks: usize, description: &str) -> String {
    format!(
        "<svg class=\"chart\" id=\"{id}\" viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" aria-label=\"{}\" data-marks=\"{marks}\" preserveAspectRatio=\"xMinYMin meet\">",
        esc(description)
    )
}

/// `label` cut to `max` characters with an ellipsis.
fn clip(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        label.chars().take(max - 1).collect::<String>() + "…"
    }
}

fn marks(bars: &[Bar]) -> usize {
    bars.iter().filter(|b| b.value > 0).count()
}

/// Horizontal bars, one row per value, labels on the left and rounded values on the right.
pub fn horizontal_bars(id: &str, description: &str, bars: &[Bar]) -> String {
    const ROW: f64 = 24.0;
    const LEFT: f64 = 170.0;
    const RIGHT: f64 = 60.0;
    let height = ROW * bars.len().max(1) as f64 + 8.0;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f64;
    let mut svg = open(id, (WIDTH, height), marks(bars), description);
    for (i, b) in bars.iter().enumerate() {
        let y = 4.0 + ROW * i as f64;
        let width = if b.value == 0 {
            0.0
        } else {
            ((WIDTH - LEFT - RIGHT) * b.value as f64 / max).max(1.5)
        };
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\">{}<title>{}</title></text>\
             <rect class=\"mark\" x=\"{LEFT}\" y=\"{}\" width=\"{width:.2}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect>\
             <text x=\"{:.2}\" y=\"{}\" class=\"value\">{}</text>",
            LEFT - 8.0,
            y + 15.0,
            esc(&clip(&b.label, 24)),
            esc(&b.label),
            y + 3.0,
            ROW - 6.0,
            b.color,
            esc(&b.title),
            LEFT + width + 6.0,
            y + 15.0,
            count_compact(b.value)
        );
    }
    svg + "</svg>"
}

/// One bar split by share (100% wide), with a legend row per part below it.
pub fn stacked_share(id: &str, description: &str, parts: &[Bar]) -> String {
    const BAR: f64 = 36.0;
    const ROW: f64 = 22.0;
    let height = BAR + 16.0 + ROW * parts.len() as f64;
    let whole: u64 = parts.iter().map(|p| p.value).sum();
    let mut svg = open(id, (WIDTH, height), marks(parts), description);
    let mut x = 0.0;
    for p in parts {
        let width = if p.value == 0 || whole == 0 {
            0.0
        } else {
            (WIDTH * p.value as f64 / whole as f64).max(2.0)
        };
        let _ = write!(
            svg,
            "<rect class=\"mark\" x=\"{x:.2}\" y=\"0\" width=\"{width:.2}\" height=\"{BAR}\" fill=\"{}\"><title>{}</title></rect>",
            p.color,
            esc(&p.title)
        );
        x += width;
    }
    for (i, p) in parts.iter().enumerate() {
        let y = BAR + 16.0 + ROW * i as f64;
        // without any tokens every part is 0 of 1: `0.0%`
        let part = share(p.value, whole.max(1));
        let _ = write!(
            svg,
            "<rect x=\"0\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/>\
             <text x=\"20\" y=\"{}\" class=\"label\">{}: {part} ({})</text>",
            y - 11.0,
            p.color,
            y,
            esc(&p.label),
            esc(&p.title)
        );
    }
    svg + "</svg>"
}

/// The smallest 1, 2 or 5 times a power of ten at or above `value`.
fn nice_ceiling(value: u64) -> u64 {
    let mut step: u64 = 1;
    loop {
        for m in [1u64, 2, 5] {
            match step.checked_mul(m) {
                Some(nice) if nice >= value => return nice,
                None => return u64::MAX,
                _ => {}
            }
        }
        step = match step.checked_mul(10) {
            Some(next) => next,
            None => return u64::MAX,
        };
    }
}

/// Vertical columns `width` wide over a value axis in `unit`; `tick_every` labels every n-th
/// column.
pub fn columns(
    id: &str,
    description: &str,
    unit: &str,
    bars: &[Bar],
    (width, tick_every): (f64, usize),
) -> String {
    const TOP: f64 = 22.0;
    const LEFT: f64 = 56.0;
    const RIGHT: f64 = 24.0;
    const PLOT: f64 = 200.0;
    const BOTTOM: f64 = 36.0;
    let height = TOP + PLOT + BOTTOM;
    let top = nice_ceiling(bars.iter().map(|b| b.value).max().unwrap_or(0).max(1));
    let mut svg = open(id, (width, height), marks(bars), description);
    // The unit starts at the chart's left edge, above the axis labels: a long unit
    // ("documents") would be cut if it ended at the axis.
    let _ = write!(
        svg,
        "<text x=\"0\" y=\"12\" class=\"axis\">{}</text>",
        esc(unit)
    );
    for fraction in [0.0, 0.5, 1.0] {
        let y = TOP + PLOT * (1.0 - fraction);
        let _ = write!(
            svg,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\" class=\"grid\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"axis\">{}</text>",
            width - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            count_compact((top as f64 * fraction) as u64)
        );
    }
    let slot = (width - LEFT - RIGHT) / bars.len().max(1) as f64;
    let gap = (slot * 0.15).min(4.0);
    for (i, b) in bars.iter().enumerate() {
        let h = if b.value == 0 {
            0.0
        } else {
            (PLOT * b.value as f64 / top as f64).max(1.5)
        };
        let x = LEFT + slot * i as f64 + gap / 2.0;
        let _ = write!(
            svg,
            "<rect class=\"mark\" x=\"{x:.2}\" y=\"{:.2}\" width=\"{:.2}\" height=\"{h:.2}\" fill=\"{}\"><title>{}</title></rect>",
            TOP + PLOT - h,
            slot - gap,
            b.color,
            esc(&b.title)
        );
        if i % tick_every.max(1) == 0 {
            let _ = write!(
                svg,
                "<text x=\"{:.2}\" y=\"{}\" text-anchor=\"middle\" class=\"axis\">{}</text>",
                x + (slot - gap) / 2.0,
                TOP + PLOT + 16.0,
                esc(&b.label)
            );
        }
    }
    svg + "</svg>"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: u64) -> Bar {
        Bar {
            label: label.into(),
            value,
            color: "#123456",
            title: format!("{label}: {value}"),
        }
    }

    #[test]
    fn marks_count_non_zero_values_and_text_is_escaped() {
        let svg = horizontal_bars("c", "test", &[bar("<b>&", 10), bar("zero", 0), bar("b", 3)]);
        assert!(svg.contains("data-marks=\"2\""), "{svg}");
        assert!(
            svg.contains("&lt;b&gt;&amp;") && !svg.contains("<b>"),
            "{svg}"
        );
        assert_eq!(svg.matches("class=\"mark\"").count(), 3);
    }

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(nice_ceiling(1), 1);
        assert_eq!(nice_ceiling(3), 5);
        assert_eq!(nice_ceiling(7_300), 10_000);
        assert_eq!(nice_ceiling(150_000_000_000), 200_000_000_000);
        assert_eq!(nice_ceiling(u64::MAX), u64::MAX);
    }
}
