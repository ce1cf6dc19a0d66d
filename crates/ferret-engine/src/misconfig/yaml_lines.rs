//! A line-oriented view of YAML shared by the YAML-based checks: each line with its number and
//! indentation, `key: value` lookup that tolerates list markers, quotes and trailing comments,
//! and exact columns for findings.

/// A source line: 1-based number, indentation, text.
#[derive(Debug, Clone)]
pub struct Line {
    pub number: u32,
    pub indent: usize,
    pub text: String,
}

/// Splits YAML text into [`Line`]s.
pub fn lines(text: &str) -> Vec<Line> {
    text.lines()
        .enumerate()
        .map(|(i, t)| Line {
            number: i as u32 + 1,
            indent: t.len() - t.trim_start().len(),
            text: t.to_string(),
        })
        .collect()
}

/// `key: value` on a line, allowing a leading `- ` list marker: returns the raw value.
pub fn key_value<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let trimmed = text.trim_start().trim_start_matches("- ").trim_start();
    let rest = trimmed.strip_prefix(key)?.strip_prefix(':')?.trim();
    // `run: &script |`: the anchor names the value and is not part of it.
    Some(match rest.strip_prefix('&') {
        Some(anchored) => anchored
            .split_once(char::is_whitespace)
            .map_or("", |(_, value)| value.trim_start()),
        None => rest,
    })
}

/// Non-comment lines holding `key`, with the value stripped of a trailing comment and quotes.
pub fn values<'a>(
    lines: &'a [Line],
    key: &'a str,
) -> impl Iterator<Item = (&'a Line, &'a str)> + 'a {
    lines.iter().filter_map(move |l| {
        if l.text.trim_start().starts_with('#') {
            return None;
        }
        key_value(&l.text, key).map(|v| {
            let v = v.split(" #").next().unwrap_or(v).trim();
            (l, v.trim_matches(|c| c == '"' || c == '\''))
        })
    })
}

/// A YAML file as lines, for the line-oriented checks (docker-compose, Kubernetes), and as
/// positioned documents for checks about missing keys (the documents that parse, when some of
/// the stream is invalid).
pub struct Manifest {
    pub lines: Vec<Line>,
    pub documents: Vec<super::yaml_tree::Node>,
}

impl Manifest {
    pub fn parse(text: &str) -> Manifest {
        Manifest {
            lines: lines(text),
            documents: super::yaml_tree::parse_lenient(text).0,
        }
    }

    /// Lines where `key` has a value for which `flag` holds.
    pub fn flagged<'a>(
        &'a self,
        key: &'a str,
        flag: impl Fn(&str) -> bool + 'a,
    ) -> impl Iterator<Item = &'a Line> + 'a {
        values(&self.lines, key)
            .filter(move |(_, v)| flag(v))
            .map(|(l, _)| l)
    }
}

/// Column (1-based) of `needle` in `line`, or 1.
pub fn column_of(line: &Line, needle: &str) -> u32 {
    line.text
        .find(needle)
        .map_or(1, |at| line.text[..at].chars().count() as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_strip_markers_quotes_and_comments() {
        let parsed = lines("a:\n  - privileged: \"true\" # why\n  # privileged: true\n");
        let found: Vec<(u32, &str)> = values(&parsed, "privileged")
            .map(|(l, v)| (l.number, v))
            .collect();
        assert_eq!(found, vec![(2, "true")]);
        assert_eq!(column_of(&parsed[1], "privileged"), 5);
    }
}
