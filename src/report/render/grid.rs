//! The table model of the human-readable formats: a table is built once as a [`Grid`] (columns
//! with a header and an alignment, rows of plain-text cells, rules and a total row) and written
//! by one of three writers: aligned plain text ([`Grid::write_text`]), a Markdown pipe table
//! ([`Grid::write_markdown`]) or an HTML table ([`Grid::write_html`]).

use super::html::esc;
use super::markdown::escape;
use crate::display::printable;
use std::io::{self, Write};

/// How a column's cells line up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Flush left: names and words.
    Left,
    /// Flush right: figures.
    Right,
}

/// One row of a [`Grid`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Row {
    /// Cells, one per column.
    Cells(Vec<String>),
    /// The total row: bold in Markdown, of class `total` in HTML, a plain row in text.
    Total(Vec<String>),
    /// A horizontal rule between groups of rows, drawn by the text writer only.
    Rule,
}

/// A table: a header and an alignment per column, then rows of plain-text cells (each writer
/// escapes them for its format).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    headers: Vec<String>,
    align: Vec<Align>,
    rows: Vec<Row>,
    markup: bool,
    wrap: bool,
}

impl Grid {
    /// An empty table with `headers`: the first `left` columns flush left, the others right.
    pub fn new(headers: &[&str], left: usize) -> Grid {
        Grid {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            align: (0..headers.len())
                .map(|i| if i < left { Align::Left } else { Align::Right })
                .collect(),
            rows: Vec::new(),
            markup: false,
            wrap: false,
        }
    }

    /// The same table whose cells are Markdown already (emphasis, fill-in fields): the
    /// Markdown writer escapes only their pipes.
    pub fn markup(mut self) -> Grid {
        self.markup = true;
        self
    }

    /// The same table whose headers and figures may break at spaces in HTML (`1,100 to
    /// 1,400` over two lines), for wide tables that must fit the page without scrolling.
    pub fn wrapping(mut self) -> Grid {
        self.wrap = true;
        self
    }

    /// Appends a row of cells.
    pub fn row(&mut self, cells: impl IntoIterator<Item = String>) {
        self.rows.push(Row::Cells(cells.into_iter().collect()));
    }

    /// Appends the total row.
    pub fn total(&mut self, cells: impl IntoIterator<Item = String>) {
        self.rows.push(Row::Total(cells.into_iter().collect()));
    }

    /// Appends a rule (plain text only).
    pub fn rule(&mut self) {
        self.rows.push(Row::Rule);
    }

    /// Whether the table has no row of cells.
    pub fn is_empty(&self) -> bool {
        self.cells().next().is_none()
    }

    /// The rows of cells with whether each is the total row, rules left out.
    fn cells(&self) -> impl Iterator<Item = (&[String], bool)> {
        self.rows.iter().filter_map(|r| match r {
            Row::Cells(c) => Some((c.as_slice(), false)),
            Row::Total(c) => Some((c.as_slice(), true)),
            Row::Rule => None,
        })
    }

    /// Writes aligned columns separated by two spaces, the header and a rule first; every rule
    /// spans the table and trailing spaces are cut. Control characters in cells are escaped
    /// ([`printable`]) before the columns are measured.
    pub fn write_text(&self, out: &mut dyn Write) -> io::Result<()> {
        let shown = |row: &[String]| -> Vec<String> {
            row.iter().map(|c| printable(c).into_owned()).collect()
        };
        let headers = shown(&self.headers);
        let rows: Vec<Option<Vec<String>>> = (self.rows.iter())
            .map(|r| match r {
                Row::Cells(c) | Row::Total(c) => Some(shown(c)),
                Row::Rule => None,
            })
            .collect();
        let widths: Vec<usize> = (0..headers.len())
            .map(|i| {
                (std::iter::once(&headers).chain(rows.iter().flatten()))
                    .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let rule = "-".repeat(widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1));
        let line = |cells: &[String]| {
            let mut line = String::new();
            for (i, (cell, width)) in cells.iter().zip(&widths).enumerate() {
                let pad = " ".repeat(width - cell.chars().count());
                if i > 0 {
                    line.push_str("  ");
                }
                match self.align[i] {
                    Align::Left => line.extend([cell.as_str(), &pad]),
                    Align::Right => line.extend([pad.as_str(), cell]),
                }
            }
            line.trim_end().to_string()
        };
        writeln!(out, "{}\n{rule}", line(&headers))?;
        for row in &rows {
            match row {
                None => writeln!(out, "{rule}")?,
                Some(cells) => writeln!(out, "{}", line(cells))?,
            }
        }
        Ok(())
    }

    /// The plain-text table of [`Grid::write_text`] as a string.
    pub fn to_text(&self) -> String {
        let mut out = Vec::new();
        self.write_text(&mut out)
            .expect("writing into memory cannot fail");
        String::from_utf8(out).expect("cells and headers are UTF-8")
    }

    /// Writes a Markdown pipe table and a blank line: the total row's first cell in bold, an
    /// empty cell as a single space.
    pub fn write_markdown(&self, out: &mut dyn Write) -> io::Result<()> {
        let rule: Vec<&str> = (self.align.iter())
            .map(|a| match a {
                Align::Left => "---",
                Align::Right => "---:",
            })
            .collect();
        writeln!(
            out,
            "| {} |\n|{}|",
            self.headers.join(" | "),
            rule.join("|")
        )?;
        for (cells, total) in self.cells() {
            let mut line = String::from("|");
            for (i, cell) in cells.iter().enumerate() {
                let text = if self.markup {
                    printable(cell).replace('|', "\\|")
                } else {
                    escape(cell)
                };
                match (text.is_empty(), total && i == 0) {
                    (true, _) => line.push_str(" |"),
                    (false, true) => line += &format!(" **{text}** |"),
                    (false, false) => line += &format!(" {text} |"),
                }
            }
            writeln!(out, "{line}")?;
        }
        writeln!(out)
    }

    /// Writes an HTML table in a scrolling box, figures in cells of class `num`, the total row
    /// of class `total`, every cell escaped; a [`Grid::wrapping`] table is of class `wrap`.
    pub fn write_html(&self, out: &mut dyn Write) -> io::Result<()> {
        let cells = |tag: &str, row: &[String]| -> String {
            (row.iter().zip(&self.align))
                .map(|(text, align)| {
                    let class = match align {
                        Align::Left => "",
                        Align::Right => " class=\"num\"",
                    };
                    format!("<{tag}{class}>{}</{tag}>", esc(text))
                })
                .collect()
        };
        write!(
            out,
            "<div class=\"scroll\"><table{}><thead><tr>{}</tr></thead><tbody>",
            if self.wrap { " class=\"wrap\"" } else { "" },
            cells("th", &self.headers)
        )?;
        for (row, total) in self.cells() {
            let class = if total { " class=\"total\"" } else { "" };
            write!(out, "<tr{class}>{}</tr>", cells("td", row))?;
        }
        writeln!(out, "</tbody></table></div>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Grid {
        let mut grid = Grid::new(&["name", "tokens"], 1);
        grid.row(["a_b".to_string(), "1,234".to_string()]);
        grid.row(["<c>".to_string(), "5".to_string()]);
        grid.rule();
        grid.total(["total".to_string(), String::new()]);
        grid
    }

    fn written(write: impl Fn(&Grid, &mut Vec<u8>) -> io::Result<()>, grid: &Grid) -> String {
        let mut out = Vec::new();
        write(grid, &mut out).expect("writing into memory cannot fail");
        String::from_utf8(out).expect("the writers write UTF-8")
    }

    #[test]
    fn text_aligns_columns_and_draws_rules() {
        let text = written(|g, o| g.write_text(o), &sample());
        assert_eq!(
            text,
            "name   tokens\n-------------\na_b     1,234\n<c>         5\n-------------\ntotal\n"
        );
    }

    #[test]
    fn markdown_escapes_cells_and_bolds_the_total() {
        let markdown = written(|g, o| g.write_markdown(o), &sample());
        assert_eq!(
            markdown,
            "| name | tokens |\n|---|---:|\n| a\\_b | 1,234 |\n| \\<c\\> | 5 |\n| **total** | |\n\n"
        );
        let mut pipes = Grid::new(&["name"], 1);
        pipes.row(["a|b".to_string()]);
        let markdown = written(|g, o| g.write_markdown(o), &pipes);
        assert_eq!(markdown, "| name |\n|---|\n| a\\|b |\n\n");
        let mut markup = Grid::new(&["field"], 1).markup();
        markup.row(["**[FILL IN: a|b]**".to_string()]);
        let markdown = written(|g, o| g.write_markdown(o), &markup);
        assert_eq!(markdown, "| field |\n|---|\n| **[FILL IN: a\\|b]** |\n\n");
    }

    #[test]
    fn html_escapes_cells_and_marks_figures_and_the_total() {
        let html = written(|g, o| g.write_html(o), &sample());
        assert_eq!(
            html,
            "<div class=\"scroll\"><table><thead><tr><th>name</th><th class=\"num\">tokens</th></tr></thead><tbody>\
             <tr><td>a_b</td><td class=\"num\">1,234</td></tr><tr><td>&lt;c&gt;</td><td class=\"num\">5</td></tr>\
             <tr class=\"total\"><td>total</td><td class=\"num\"></td></tr></tbody></table></div>\n"
        );
    }

    #[test]
    fn control_characters_are_escaped_before_columns_are_measured() {
        let mut grid = Grid::new(&["name", "n"], 1);
        grid.row(["a\u{1b}[2J".to_string(), "1".to_string()]);
        grid.row(["line\nbreak".to_string(), "2".to_string()]);
        let text = grid.to_text();
        assert!(!text.contains('\u{1b}'), "{text}");
        assert_eq!(
            text,
            "name         n\n--------------\na\\u{1b}[2J   1\nline\\nbreak  2\n"
        );
        let markdown = written(|g, o| g.write_markdown(o), &grid);
        assert!(markdown.contains("| a\\\\u{1b}\\[2J | 1 |"), "{markdown}");
        assert!(markdown.contains("| line\\\\nbreak | 2 |"), "{markdown}");
    }

    #[test]
    fn a_table_without_rows_is_empty() {
        let mut grid = Grid::new(&["name"], 1);
        assert!(grid.is_empty());
        grid.rule();
        assert!(grid.is_empty());
        grid.row(["x".to_string()]);
        assert!(!grid.is_empty());
    }
}
