//! Byte offsets ↔ lines and columns. The analysis speaks byte offsets; an editor speaks
//! lines and columns counted in UTF-16 code units (the Language Server Protocol's
//! default), so the conversion lives here, once.

/// Where each line of a text starts, to turn offsets into lines and columns and back.
#[derive(Debug, Clone)]
pub struct LineIndex {
    text: std::sync::Arc<str>,
    /// The byte offset of the start of each line; the first is 0.
    starts: Vec<usize>,
}

/// A line and a column, both from 0, the column in UTF-16 code units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    /// The line, from 0.
    pub line: u32,
    /// The column in UTF-16 code units, from 0.
    pub col: u32,
}

impl LineIndex {
    /// The index of a text.
    pub fn new(text: std::sync::Arc<str>) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    /// The line and UTF-16 column of a byte offset (clamped to the text, and back to the
    /// start of a character it falls inside).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let col: usize = self.text[start..offset].chars().map(char::len_utf16).sum();
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    }

    /// The byte offset of a line and UTF-16 column; a position past the end of its line
    /// is the line's end, past the last line the text's end.
    pub fn offset(&self, at: LineCol) -> usize {
        let Some(&start) = self.starts.get(at.line as usize) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(at.line as usize + 1)
            .map_or(self.text.len(), |next| next - 1);
        let mut units = 0;
        for (i, c) in self.text[start..end].char_indices() {
            if units >= at.col as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units_and_round_trip() {
        let index = LineIndex::new("ab\n«é» 𝄞x\n".into());
        let x = "ab\n«é» 𝄞x\n".find('x').unwrap();
        let at = index.line_col(x);
        assert_eq!(at, LineCol { line: 1, col: 6 });
        assert_eq!(index.offset(at), x);
        assert_eq!(index.offset(LineCol { line: 0, col: 99 }), 2);
        assert_eq!(index.offset(LineCol { line: 9, col: 0 }), 16);
    }
}
