//! The image models' arithmetic: fixed, patch grid (Qwen2-VL's `smart_resize`, in exact
//! integers) and tiles.

use super::ImageModel;

impl ImageModel {
    /// Tokens for one `width` x `height` image.
    ///
    /// - `fixed`: `tokens`.
    /// - `patch`: with `f = patch_size x merge` (the side one token covers), each side is
    ///   rounded to the nearest multiple of `f`, halves to even as Python's `round` does, and at
    ///   least `f`. If the area then exceeds `max_pixels`, both sides shrink by the same factor
    ///   `beta = sqrt(w x h / max_pixels)` and are rounded *down* to multiples of `f` (at least
    ///   `f`); if it falls below `min_pixels`, both grow by `beta = sqrt(min_pixels / (w x h))`
    ///   and are rounded *up*. Tokens are `(h' / f) x (w' / f)`. Square roots are taken in exact
    ///   integers (`floor(h / beta / f) = isqrt(floor(h x max / (w x f^2)))`), so the result is
    ///   the real-number rule's, where Python floats could differ by one at an exact boundary.
    /// - `tiles`: `min(ceil(w / tile) x ceil(h / tile), max_tiles) x tokens_per_tile`.
    pub fn tokens(&self, width: u32, height: u32) -> u64 {
        match *self {
            ImageModel::Fixed { tokens } => tokens,
            ImageModel::Patch {
                patch_size,
                merge,
                min_pixels,
                max_pixels,
            } => {
                let side = u64::from(patch_size.get()) * u64::from(merge.get());
                let (rows, cols) = patch_grid(width, height, side, min_pixels, max_pixels);
                rows.saturating_mul(cols)
            }
            ImageModel::Tiles {
                tile_size,
                max_tiles,
                tokens_per_tile,
            } => {
                let tile = tile_size.get();
                let grid = u64::from(width.div_ceil(tile)) * u64::from(height.div_ceil(tile));
                grid.min(u64::from(max_tiles.get()))
                    .saturating_mul(tokens_per_tile)
            }
        }
    }
}

/// Rows and columns of `f` x `f` token cells after Qwen2-VL's resize.
fn patch_grid(width: u32, height: u32, f: u64, min: Option<u64>, max: Option<u64>) -> (u64, u64) {
    let (w, h) = (u128::from(width.max(1)), u128::from(height.max(1)));
    let f = u128::from(f);
    let cell = f * f;
    let mut rows = round_half_even(h, f).max(1);
    let mut cols = round_half_even(w, f).max(1);
    let area = rows * cols * cell;
    match (min.map(u128::from), max.map(u128::from)) {
        (_, Some(max)) if area > max => {
            rows = (h * max / (w * cell)).isqrt().max(1);
            cols = (w * max / (h * cell)).isqrt().max(1);
        }
        (Some(min), _) if area < min => {
            rows = ceil_sqrt((h * min).div_ceil(w * cell));
            cols = ceil_sqrt((w * min).div_ceil(h * cell));
        }
        _ => {}
    }
    let clamp = |v: u128| u64::try_from(v).unwrap_or(u64::MAX);
    (clamp(rows), clamp(cols))
}

/// `x / f` rounded to the nearest integer, ties to even.
fn round_half_even(x: u128, f: u128) -> u128 {
    let (q, r) = (x / f, x % f);
    if 2 * r > f || (2 * r == f && q % 2 == 1) {
        q + 1
    } else {
        q
    }
}

/// The least `k` with `k * k >= n`.
fn ceil_sqrt(n: u128) -> u128 {
    let k = n.isqrt();
    if k * k < n { k + 1 } else { k }
}
