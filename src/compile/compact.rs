//! The compact JSON result, for machine consumers: outcome ids only.
//!
//! ```json
//! {"holds":["a","b"],
//!  "undetermined":[{"id":"c","status":"undetermined","missing":["person.age"]}],
//!  "missing":["person.age"]}
//! ```
//!
//! plus `"conflicts"` (as in the full decision) when exceptions conflicted, and
//! `"conflict":true` on an outcome left undetermined by one. Each undetermined entry
//! carries its `status` so that tools reading `{"id", "status"}` objects read it too.
//! Written straight from the compiled evaluator's buffers, or from a full
//! [`Decision`] when the reference evaluator decided the case; both give the same text.
//!
//! A compact result is a kilobyte of ids and fact names, written for every case of a
//! batch. The names are laid out once, when the policy is compiled, each padded to whole
//! 32-byte blocks: writing one is a copy of a block or two whose size the compiler knows,
//! then the padding is cut off again, where a `memcpy` call per name would cost more than
//! the copying.

use super::{Program, Scratch};
use crate::decision::Decision;

/// The bytes a piece of text is padded to a multiple of.
pub(crate) const BLOCK: usize = 32;

/// The texts compact results are made of, each padded to whole [`BLOCK`]s.
#[derive(Debug, Clone, Default)]
pub(crate) struct Pieces {
    blocks: Vec<[u8; BLOCK]>,
    /// Each piece's first block and its length in bytes.
    spans: Vec<(u32, u32)>,
}

/// A piece of [`Pieces`].
#[derive(Debug, Clone, Copy)]
struct Piece(usize);

impl Pieces {
    /// Adds `text`; the piece that writes it.
    fn add(&mut self, text: &str) -> Piece {
        let start = self.blocks.len() as u32;
        for chunk in text.as_bytes().chunks(BLOCK) {
            // Padding is cut off after each write: its bytes are never seen.
            let mut block = [b' '; BLOCK];
            block[..chunk.len()].copy_from_slice(chunk);
            self.blocks.push(block);
        }
        self.spans.push((start, text.len() as u32));
        Piece(self.spans.len() - 1)
    }

    /// Appends piece `p` to `out`.
    #[inline(always)]
    fn put(&self, p: Piece, out: &mut Vec<u8>) {
        let Some(&(start, len)) = self.spans.get(p.0) else {
            return;
        };
        let end = out.len() + len as usize;
        let blocks = (len as usize).div_ceil(BLOCK);
        for block in self.blocks.iter().skip(start as usize).take(blocks) {
            out.extend_from_slice(block);
        }
        out.truncate(end);
    }
}

/// The pieces of one program's compact results: for each outcome its id in a list
/// (`,"id"`) and its undetermined entry up to its missing facts
/// (`,{"id":"…","status":"undetermined","missing":`), and for each fact its name in a
/// list (`,"name"`). Every list item starts with its comma: the first one's becomes the
/// list's `[`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Texts {
    pieces: Pieces,
    held: Vec<Piece>,
    undetermined: Vec<Piece>,
    facts: Vec<Piece>,
}

impl Texts {
    /// The pieces for outcomes with ids `outcomes` and facts named `facts`, in order.
    pub(crate) fn new<'a>(
        outcomes: impl IntoIterator<Item = &'a str>,
        facts: impl IntoIterator<Item = &'a str>,
    ) -> Texts {
        let mut t = Texts::default();
        for id in outcomes {
            let id = json_string(id);
            t.held.push(t.pieces.add(&format!(",{id}")));
            let entry = format!(",{{\"id\":{id},\"status\":\"undetermined\",\"missing\":");
            t.undetermined.push(t.pieces.add(&entry));
        }
        for name in facts {
            t.facts
                .push(t.pieces.add(&format!(",{}", json_string(name))));
        }
        t
    }

    /// `[` and the pieces of the bits set in `words`, comma-separated.
    #[inline(always)]
    fn list(&self, pieces: &[Piece], words: &[u64], out: &mut Vec<u8>) {
        let open = out.len();
        each_bit(words, |i| {
            if let Some(&p) = pieces.get(i) {
                self.pieces.put(p, out);
            }
        });
        open_list(out, open);
    }
}

/// Calls `f` with the index of each bit set in `words`, in order. Most policies have one
/// word of outcomes and one of facts, and a loop over a word's bits is cheaper than an
/// iterator over them.
#[inline(always)]
fn each_bit(words: &[u64], mut f: impl FnMut(usize)) {
    for (k, &word) in words.iter().enumerate() {
        let mut word = word;
        while word != 0 {
            f(k * 64 + word.trailing_zeros() as usize);
            word &= word - 1;
        }
    }
}

/// Opens the list whose items start at `open`: the first item's comma becomes `[`, or
/// the list is empty.
#[inline(always)]
fn open_list(out: &mut Vec<u8>, open: usize) {
    match out.get_mut(open) {
        Some(first) => *first = b'[',
        None => out.push(b'['),
    }
}

impl Program {
    /// Appends the compact result of the case last evaluated in `s`.
    pub fn write_compact(&self, s: &Scratch, out: &mut Vec<u8>) {
        let t = &self.texts;
        let (holds, undetermined, sets, stride) = s.words();
        out.extend_from_slice(b"{\"holds\":");
        t.list(&t.held, holds, out);
        out.extend_from_slice(b"],\"undetermined\":");
        let open = out.len();
        each_bit(undetermined, |i| {
            if let Some(&p) = t.undetermined.get(i) {
                t.pieces.put(p, out);
            }
            let set = sets.get(i * stride..(i + 1) * stride).unwrap_or(&[]);
            t.list(&t.facts, set, out);
            out.extend_from_slice(b"]}");
        });
        open_list(out, open);
        out.extend_from_slice(b"],\"missing\":");
        let open = out.len();
        for &f in s.top_missing() {
            if let Some(&p) = t.facts.get(f as usize) {
                t.pieces.put(p, out);
            }
        }
        open_list(out, open);
        out.extend_from_slice(b"]}");
    }
}

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// Appends the compact form of a full decision.
pub fn write_decision(d: &Decision, out: &mut Vec<u8>) {
    let list = |out: &mut Vec<u8>, items: &mut dyn Iterator<Item = &str>| {
        for (k, s) in items.enumerate() {
            if k > 0 {
                out.push(b',');
            }
            // Writing JSON into memory cannot fail.
            let _ = serde_json::to_writer(&mut *out, s);
        }
    };
    out.extend_from_slice(b"{\"holds\":[");
    list(out, &mut d.outcomes.iter().map(|o| o.id.as_str()));
    out.extend_from_slice(b"],\"undetermined\":[");
    for (k, u) in d.undetermined.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"id\":");
        let _ = serde_json::to_writer(&mut *out, &u.id);
        out.extend_from_slice(b",\"status\":\"undetermined\",\"missing\":[");
        list(out, &mut u.missing.iter().map(|m| m.as_str()));
        out.push(b']');
        if u.conflict {
            out.extend_from_slice(b",\"conflict\":true");
        }
        out.push(b'}');
    }
    out.extend_from_slice(b"],\"missing\":[");
    list(out, &mut d.missing.iter().map(|m| m.as_str()));
    out.push(b']');
    if !d.conflicts.is_empty() {
        out.extend_from_slice(b",\"conflicts\":");
        let _ = serde_json::to_writer(&mut *out, &d.conflicts);
    }
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_write_their_text_and_never_their_padding() {
        let mut pieces = Pieces::default();
        let texts = [
            "",
            ",\"a\"",
            &"x".repeat(BLOCK),
            &"y".repeat(BLOCK + 1),
            ",\"näher_als_zweiunddreißig_bytes_über_die_grenze\"",
        ];
        let added: Vec<Piece> = texts.iter().map(|t| pieces.add(t)).collect();
        let mut out = b"[".to_vec();
        let mut expected = String::from("[");
        for (p, t) in added.iter().zip(&texts).rev() {
            pieces.put(*p, &mut out);
            expected.push_str(t);
            assert_eq!(String::from_utf8_lossy(&out), expected);
        }
    }

    #[test]
    fn a_list_opens_on_its_first_items_comma() {
        let mut out = b"{\"holds\":".to_vec();
        let open = out.len();
        open_list(&mut out, open);
        out.extend_from_slice(b"],\"missing\":");
        let open = out.len();
        out.extend_from_slice(b",\"a\",\"b\"");
        open_list(&mut out, open);
        out.push(b']');
        assert_eq!(out, b"{\"holds\":[],\"missing\":[\"a\",\"b\"]");
    }
}
