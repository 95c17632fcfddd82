//! Facteur's icon, drawn at start: a white envelope (its flap as a V) on a
//! square of the theme's blue — rounded for the ordinary icons, full bleed
//! for the maskable ones, which keep the envelope inside the central safe
//! zone. The PNGs are rasterised from signed distances (anti-aliased
//! edges); the SVG draws the same shapes.

use super::png;

/// The theme's blue, `#1d4e89`.
pub const BLUE: [u8; 3] = [0x1d, 0x4e, 0x89];

/// How one icon is drawn; lengths are fractions of the icon's side.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// The background covers the whole square (maskable, Apple), or is a
    /// rounded square with this corner radius.
    pub corner: f32,
    /// Width of the envelope.
    pub width: f32,
    /// Width of the flap's lines.
    pub stroke: f32,
}

impl Style {
    /// The ordinary icon (`purpose: any`), the favicon.
    pub const ANY: Style = Style {
        corner: 0.22,
        width: 0.62,
        stroke: 0.05,
    };
    /// The favicon: the same, with thicker lines to stay legible at 32 px.
    pub const SMALL: Style = Style {
        corner: 0.22,
        width: 0.7,
        stroke: 0.09,
    };
    /// Maskable: full bleed; the envelope fits well inside the safe zone
    /// (the circle of radius 40 % at the centre).
    pub const MASKABLE: Style = Style {
        corner: 0.0,
        width: 0.5,
        stroke: 0.045,
    };
    /// Apple's touch icon: full bleed (iOS rounds it itself).
    pub const APPLE: Style = Style {
        corner: 0.0,
        width: 0.56,
        stroke: 0.05,
    };

    fn height(&self) -> f32 {
        self.width * 0.71
    }

    /// The envelope's corners: left, top, right, bottom.
    fn envelope(&self) -> (f32, f32, f32, f32) {
        let (w, h) = (self.width, self.height());
        (0.5 - w / 2.0, 0.5 - h / 2.0, 0.5 + w / 2.0, 0.5 + h / 2.0)
    }

    /// The bottom of the flap's V.
    fn flap_tip(&self) -> (f32, f32) {
        let (_, top, _, _) = self.envelope();
        (0.5, top + self.height() * 0.58)
    }

    fn envelope_corner(&self) -> f32 {
        self.width * 0.06
    }
}

/// Signed distance from `p` to a box centred on `c` with half sizes `b` and
/// corner radius `r` (negative inside).
fn rounded_box(p: (f32, f32), c: (f32, f32), b: (f32, f32), r: f32) -> f32 {
    let qx = (p.0 - c.0).abs() - b.0 + r;
    let qy = (p.1 - c.1).abs() - b.1 + r;
    let outside = qx.max(0.0).hypot(qy.max(0.0));
    outside + qx.max(qy).min(0.0) - r
}

/// Distance from `p` to the segment `a`–`b`.
fn segment(p: (f32, f32), a: (f32, f32), b: (f32, f32)) -> f32 {
    let (px, py) = (p.0 - a.0, p.1 - a.1);
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let t = ((px * dx + py * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
    (px - dx * t).hypot(py - dy * t)
}

/// How much of a pixel a shape covers, from its signed distance in pixels.
fn coverage(d: f32) -> f32 {
    (0.5 - d).clamp(0.0, 1.0)
}

/// The icon as straight RGBA, `size × size`.
pub fn rgba(size: u32, style: Style) -> Vec<u8> {
    let s = size as f32;
    let (l, t, r, b) = style.envelope();
    let (l, t, r, b) = (l * s, t * s, r * s, b * s);
    let env_c = ((l + r) / 2.0, (t + b) / 2.0);
    let env_b = ((r - l) / 2.0, (b - t) / 2.0);
    let env_r = style.envelope_corner() * s;
    let tip = (style.flap_tip().0 * s, style.flap_tip().1 * s);
    let half_stroke = style.stroke * s / 2.0;
    let bg_r = style.corner * s;
    let mut out = Vec::with_capacity((size * size * 4) as usize);
    for y in 0..size {
        for x in 0..size {
            let p = (x as f32 + 0.5, y as f32 + 0.5);
            let bg = if style.corner > 0.0 {
                coverage(rounded_box(p, (s / 2.0, s / 2.0), (s / 2.0, s / 2.0), bg_r))
            } else {
                1.0
            };
            let env = coverage(rounded_box(p, env_c, env_b, env_r));
            let flap = coverage(segment(p, (l, t), tip).min(segment(p, (r, t), tip)) - half_stroke)
                .min(env);
            // Premultiplied "over", layer by layer.
            let mut c = [0f32; 3];
            let mut a = 0f32;
            for (rgb, cov) in [(BLUE, bg), ([255; 3], env), (BLUE, flap)] {
                for (ci, v) in c.iter_mut().zip(rgb) {
                    *ci = f32::from(v) * cov + *ci * (1.0 - cov);
                }
                a = cov + a * (1.0 - cov);
            }
            for ci in c {
                let v = if a > 0.0 { ci / a } else { 0.0 };
                out.push(v.round().clamp(0.0, 255.0) as u8);
            }
            out.push((a * 255.0).round().clamp(0.0, 255.0) as u8);
        }
    }
    out
}

/// The icon as a PNG file.
pub fn png(size: u32, style: Style) -> anyhow::Result<Vec<u8>> {
    png::encode_rgba(size, size, &rgba(size, style))
}

/// The ordinary icon as SVG (512 units a side).
pub fn svg() -> String {
    let style = Style::ANY;
    let u = |v: f32| (v * 512.0 * 10.0).round() / 10.0;
    let (l, t, r, b) = style.envelope();
    let (tx, ty) = style.flap_tip();
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 512 512\">\
<rect width=\"512\" height=\"512\" rx=\"{bg}\" fill=\"#1d4e89\"/>\
<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"{er}\" fill=\"#fff\"/>\
<path d=\"M{l} {t}L{tx} {ty}L{r} {t}\" fill=\"none\" stroke=\"#1d4e89\" stroke-width=\"{sw}\" \
stroke-linecap=\"round\" stroke-linejoin=\"round\"/></svg>\n",
        bg = u(style.corner),
        x = u(l),
        y = u(t),
        w = u(r - l),
        h = u(b - t),
        er = u(style.envelope_corner()),
        l = u(l),
        t = u(t),
        r = u(r),
        tx = u(tx),
        ty = u(ty),
        sw = u(style.stroke),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pixel(img: &[u8], size: u32, x: u32, y: u32) -> [u8; 4] {
        let i = ((y * size + x) * 4) as usize;
        img[i..i + 4].try_into().unwrap()
    }

    #[test]
    fn the_icon_shows_a_white_envelope_on_blue() {
        let size = 192;
        let img = rgba(size, Style::ANY);
        assert_eq!(img.len(), (size * size * 4) as usize);
        // Rounded corners: transparent outside, blue inside.
        assert_eq!(pixel(&img, size, 0, 0)[3], 0);
        assert_eq!(pixel(&img, size, size / 2, 2), [0x1d, 0x4e, 0x89, 255]);
        // The envelope's bottom half is white; the flap's tip is blue.
        assert_eq!(
            pixel(&img, size, size / 2, size * 68 / 100),
            [255, 255, 255, 255]
        );
        let (tx, ty) = Style::ANY.flap_tip();
        let tip = pixel(
            &img,
            size,
            (tx * size as f32) as u32,
            (ty * size as f32) as u32,
        );
        assert_eq!(tip, [0x1d, 0x4e, 0x89, 255]);
        // Edges are anti-aliased: some pixels are neither colour.
        assert!(img.chunks_exact(4).any(|p| p[0] > 0x1d && p[0] < 255));
    }

    #[test]
    fn maskable_icons_bleed_and_keep_the_envelope_in_the_safe_zone() {
        let size = 512;
        let img = rgba(size, Style::MASKABLE);
        for (x, y) in [(0, 0), (size - 1, 0), (0, size - 1), (size - 1, size - 1)] {
            assert_eq!(pixel(&img, size, x, y), [0x1d, 0x4e, 0x89, 255]);
        }
        // Every non-blue pixel lies within the circle of radius 40 %.
        let c = size as f32 / 2.0;
        for y in 0..size {
            for x in 0..size {
                if pixel(&img, size, x, y) != [0x1d, 0x4e, 0x89, 255] {
                    let d = (x as f32 + 0.5 - c).hypot(y as f32 + 0.5 - c);
                    assert!(d <= 0.4 * size as f32, "({x}, {y}) is {d} from the centre");
                }
            }
        }
    }

    #[test]
    fn the_svg_draws_the_same_shapes() {
        let svg = svg();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains("fill=\"#1d4e89\"") && svg.contains("fill=\"#fff\""));
        assert!(svg.contains("rx=\"112.6\""), "{svg}");
    }
}
