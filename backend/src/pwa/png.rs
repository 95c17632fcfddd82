//! A tiny PNG encoder: 8-bit RGBA, no interlacing, one IDAT chunk
//! (zlib from `flate2`), CRC-32 from a table built at compile time.

use std::io::Write;

/// The eight bytes every PNG starts with.
pub const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];

const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
};

/// CRC-32 (ISO 3309, the one of PNG and zlib's `crc32`).
pub fn crc32(parts: &[&[u8]]) -> u32 {
    let mut c = 0xffff_ffffu32;
    for part in parts {
        for &b in *part {
            c = CRC_TABLE[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8);
        }
    }
    c ^ 0xffff_ffff
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) -> anyhow::Result<()> {
    let len = u32::try_from(data.len())?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc32(&[kind, data]).to_be_bytes());
    Ok(())
}

/// Encodes `rgba` (`width * height * 4` bytes, rows top to bottom,
/// straight — not premultiplied — alpha) as a PNG file.
pub fn encode_rgba(width: u32, height: u32, rgba: &[u8]) -> anyhow::Result<Vec<u8>> {
    let row = usize::try_from(width)? * 4;
    anyhow::ensure!(
        width > 0 && height > 0 && rgba.len() == row * usize::try_from(height)?,
        "image de {width}×{height} : {} octets au lieu de {}",
        rgba.len(),
        row * usize::try_from(height)?
    );
    let mut out = Vec::with_capacity(rgba.len() / 4 + 64);
    out.extend_from_slice(&SIGNATURE);
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    // Bit depth 8, colour type 6 (RGBA), deflate, adaptive filtering, no interlace.
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr)?;
    // Each row: filter type 1 (Sub) — small icons with flat colours
    // compress far better than unfiltered.
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let mut filtered = vec![0u8; row + 1];
    for line in rgba.chunks_exact(row) {
        filtered[0] = 1;
        for (i, &b) in line.iter().enumerate() {
            let left = if i >= 4 { line[i - 4] } else { 0 };
            filtered[i + 1] = b.wrapping_sub(left);
        }
        z.write_all(&filtered)?;
    }
    chunk(&mut out, b"IDAT", &z.finish()?)?;
    chunk(&mut out, b"IEND", &[])?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn crc_matches_the_reference_values() {
        // The check value of CRC-32/ISO-HDLC.
        assert_eq!(crc32(&[b"123456789"]), 0xcbf4_3926);
        assert_eq!(crc32(&[b"1234", b"56789"]), 0xcbf4_3926);
        // The IEND chunk every PNG ends with.
        assert_eq!(crc32(&[b"IEND"]), 0xae42_6082);
    }

    /// Reads a PNG back: its chunks, with their CRCs checked.
    fn chunks(png: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
        assert_eq!(&png[..8], &SIGNATURE);
        let mut out = Vec::new();
        let mut at = 8;
        while at < png.len() {
            let len = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
            let kind: [u8; 4] = png[at + 4..at + 8].try_into().unwrap();
            let data = png[at + 8..at + 8 + len].to_vec();
            let crc = u32::from_be_bytes(png[at + 8 + len..at + 12 + len].try_into().unwrap());
            assert_eq!(crc, crc32(&[&kind, &data]), "CRC of {kind:?}");
            out.push((kind, data));
            at += 12 + len;
        }
        assert_eq!(at, png.len());
        out
    }

    /// Undoes the Sub filter of every row.
    fn unfilter(raw: &[u8], width: usize) -> Vec<u8> {
        let row = width * 4;
        let mut out = Vec::new();
        for line in raw.chunks_exact(row + 1) {
            assert_eq!(line[0], 1, "Sub filter");
            let start = out.len();
            for i in 0..row {
                let left = if i >= 4 { out[start + i - 4] } else { 0u8 };
                out.push(line[i + 1].wrapping_add(left));
            }
        }
        out
    }

    #[test]
    fn encoded_images_decode_back() {
        let (w, h) = (7u32, 5u32);
        let rgba: Vec<u8> = (0..w * h * 4).map(|i| (i * 37 % 251) as u8).collect();
        let png = encode_rgba(w, h, &rgba).unwrap();
        let chunks = chunks(&png);
        let kinds: Vec<&[u8; 4]> = chunks.iter().map(|(k, _)| k).collect();
        assert_eq!(kinds, [b"IHDR", b"IDAT", b"IEND"]);
        let ihdr = &chunks[0].1;
        assert_eq!(ihdr.len(), 13);
        assert_eq!(u32::from_be_bytes(ihdr[0..4].try_into().unwrap()), w);
        assert_eq!(u32::from_be_bytes(ihdr[4..8].try_into().unwrap()), h);
        assert_eq!(&ihdr[8..], &[8, 6, 0, 0, 0]);
        let mut raw = Vec::new();
        flate2::read::ZlibDecoder::new(&chunks[1].1[..])
            .read_to_end(&mut raw)
            .unwrap();
        assert_eq!(raw.len(), (h * (1 + w * 4)) as usize);
        assert_eq!(unfilter(&raw, w as usize), rgba);
        assert!(chunks[2].1.is_empty());
    }

    #[test]
    fn wrong_sizes_are_refused() {
        assert!(encode_rgba(2, 2, &[0; 15]).is_err());
        assert!(encode_rgba(0, 0, &[]).is_err());
    }
}
