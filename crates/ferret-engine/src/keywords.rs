//! Fast keyword search: every (overlapping) occurrence of a set of keywords in a byte buffer.
//!
//! This is the prefilter that runs over every byte Ferret scans, so it is built for throughput.
//! It walks an Aho-Corasick DFA (from the `aho-corasick` crate) over five slices of the buffer at
//! once: one DFA walk is a chain of dependent table lookups, bound by memory latency rather than
//! by the processor's arithmetic, and five independent chains keep it busy. Each slice starts
//! `longest keyword − 1` bytes before its share so that no occurrence crossing a boundary is
//! lost, and reports only occurrences that end inside its share, so none is reported twice.

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind, StartKind};

/// Buffers shorter than this are searched in one slice (the set-up cost is not worth it).
const INTERLEAVE_MIN_LEN: usize = 2 * 1024;
const LANES: usize = 5;

/// Why a keyword set could not be built.
#[derive(Debug, thiserror::Error)]
pub enum KeywordError {
    #[error("empty keyword")]
    Empty,
    #[error(transparent)]
    Build(#[from] aho_corasick::BuildError),
}

/// A compiled keyword set.
#[derive(Debug, Clone)]
pub struct KeywordSet {
    dfa: DFA,
    longest: usize,
}

impl KeywordSet {
    /// Compiles `keywords`, matched ASCII-case-insensitively. Keyword `i` is reported as `i`.
    pub fn new<S: AsRef<[u8]>>(keywords: &[S]) -> Result<KeywordSet, KeywordError> {
        KeywordSet::build(keywords, true)
    }

    /// Compiles `keywords`, matched exactly.
    pub fn case_sensitive<S: AsRef<[u8]>>(keywords: &[S]) -> Result<KeywordSet, KeywordError> {
        KeywordSet::build(keywords, false)
    }

    fn build<S: AsRef<[u8]>>(
        keywords: &[S],
        ignore_case: bool,
    ) -> Result<KeywordSet, KeywordError> {
        if keywords.iter().any(|k| k.as_ref().is_empty()) {
            return Err(KeywordError::Empty);
        }
        let dfa = aho_corasick::dfa::Builder::new()
            .ascii_case_insensitive(ignore_case)
            .match_kind(MatchKind::Standard)
            .start_kind(StartKind::Unanchored)
            .prefilter(false)
            .build(keywords)?;
        let longest = keywords.iter().map(|k| k.as_ref().len()).max().unwrap_or(1);
        Ok(KeywordSet { dfa, longest })
    }

    /// Calls `hit(keyword, start, end)` for every occurrence of every keyword in `haystack`,
    /// overlapping ones included. Occurrences come in no particular order.
    pub fn for_each_hit(&self, haystack: &[u8], mut hit: impl FnMut(usize, usize, usize)) {
        let Ok(start) = self.dfa.start_state(Anchored::No) else {
            return;
        };
        if haystack.len() < INTERLEAVE_MIN_LEN {
            let mut sid = start;
            for (at, &byte) in haystack.iter().enumerate() {
                sid = self.dfa.next_state(Anchored::No, sid, byte);
                if self.dfa.is_special(sid) && self.dfa.is_match(sid) {
                    self.report(sid, at + 1, 0, &mut hit);
                }
            }
            return;
        }
        // Lane `l` reports occurrences ending in (bounds[l], bounds[l + 1]] and starts reading
        // early enough to see any of them from its first byte.
        let share = haystack.len() / LANES;
        let bounds: [usize; LANES + 1] = std::array::from_fn(|l| {
            if l == LANES {
                haystack.len()
            } else {
                l * share
            }
        });
        let pos: [usize; LANES] =
            std::array::from_fn(|l| bounds[l].saturating_sub(self.longest - 1));
        let mut sid = [start; LANES];
        // All lanes step together while every one has bytes left; the shortest lane is the
        // first, as the others start earlier (overlap) and the last runs to the end. Match
        // states are only noted here (reporting inline would crowd the loop's registers).
        let steps = (0..LANES)
            .map(|l| bounds[l + 1] - pos[l])
            .min()
            .unwrap_or(0);
        let mut events: Vec<(StateID, usize, usize)> = Vec::new();
        for step in 0..steps {
            for l in 0..LANES {
                let at = pos[l] + step;
                sid[l] = self.dfa.next_state(Anchored::No, sid[l], haystack[at]);
                if self.dfa.is_special(sid[l]) && self.dfa.is_match(sid[l]) {
                    events.push((sid[l], at + 1, bounds[l]));
                }
            }
        }
        for l in 0..LANES {
            let from = pos[l] + steps;
            for (at, &byte) in haystack[..bounds[l + 1]].iter().enumerate().skip(from) {
                sid[l] = self.dfa.next_state(Anchored::No, sid[l], byte);
                if self.dfa.is_special(sid[l]) && self.dfa.is_match(sid[l]) {
                    events.push((sid[l], at + 1, bounds[l]));
                }
            }
        }
        for (sid, end, floor) in events {
            self.report(sid, end, floor, &mut hit);
        }
    }

    /// Reports every keyword that ends at `end` in match state `sid`, unless `end` lies at or
    /// before `floor` (another lane's share).
    #[inline]
    fn report(
        &self,
        sid: StateID,
        end: usize,
        floor: usize,
        hit: &mut impl FnMut(usize, usize, usize),
    ) {
        if end <= floor {
            return;
        }
        for i in 0..self.dfa.match_len(sid) {
            let pattern = self.dfa.match_pattern(sid, i);
            hit(pattern.as_usize(), end - self.dfa.pattern_len(pattern), end);
        }
    }
}

/// A keyword an analyzer wants located in every file (see [`SharedKeywords`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyword {
    pub text: Vec<u8>,
    /// Matched exactly rather than ASCII-case-insensitively.
    pub case_sensitive: bool,
}

/// One occurrence of an analyzer's keyword: its index in that analyzer's list, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct KeywordHit {
    pub keyword: usize,
    pub start: usize,
    pub end: usize,
}

/// Who asked for one keyword of the shared set.
#[derive(Debug, Clone)]
struct Owner {
    analyzer: usize,
    keyword: usize,
    /// The exact bytes, for a case-sensitive keyword.
    exact: Option<Vec<u8>>,
}

/// Every analyzer's keywords in one [`KeywordSet`], so that one walk over a file locates the
/// keywords of all of them (the walk costs about as much as all the rest of the secret search).
#[derive(Debug, Clone)]
pub struct SharedKeywords {
    set: KeywordSet,
    /// Per keyword of `set`, the analyzers' keywords it stands for.
    owners: Vec<Vec<Owner>>,
    analyzers: usize,
}

impl SharedKeywords {
    /// Combines the keyword lists of several analyzers (`lists[a]` belongs to analyzer `a`).
    pub fn new(lists: &[Vec<Keyword>]) -> Result<SharedKeywords, KeywordError> {
        let mut texts: Vec<Vec<u8>> = Vec::new();
        let mut owners: Vec<Vec<Owner>> = Vec::new();
        let mut slots: std::collections::HashMap<Vec<u8>, usize> = Default::default();
        for (analyzer, list) in lists.iter().enumerate() {
            for (keyword, k) in list.iter().enumerate() {
                let folded = k.text.to_ascii_lowercase();
                let slot = *slots.entry(folded.clone()).or_insert_with(|| {
                    texts.push(folded);
                    owners.push(Vec::new());
                    texts.len() - 1
                });
                owners[slot].push(Owner {
                    analyzer,
                    keyword,
                    exact: k.case_sensitive.then(|| k.text.clone()),
                });
            }
        }
        Ok(SharedKeywords {
            set: KeywordSet::new(&texts)?,
            owners,
            analyzers: lists.len(),
        })
    }

    /// The occurrences of each analyzer's keywords in `haystack`, in no particular order.
    pub fn locate(&self, haystack: &[u8]) -> Vec<Vec<KeywordHit>> {
        let mut hits = vec![Vec::new(); self.analyzers];
        self.set.for_each_hit(haystack, |slot, start, end| {
            for owner in &self.owners[slot] {
                if owner
                    .exact
                    .as_ref()
                    .is_some_and(|exact| haystack[start..end] != exact[..])
                {
                    continue;
                }
                hits[owner.analyzer].push(KeywordHit {
                    keyword: owner.keyword,
                    start,
                    end,
                });
            }
        });
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every occurrence, sorted, found the slow and obvious way.
    fn naive(keywords: &[&str], haystack: &[u8]) -> Vec<(usize, usize, usize)> {
        let lower = haystack.to_ascii_lowercase();
        let mut hits = Vec::new();
        for (k, keyword) in keywords.iter().enumerate() {
            let keyword = keyword.to_ascii_lowercase();
            for start in 0..lower.len() {
                if lower[start..].starts_with(keyword.as_bytes()) {
                    hits.push((k, start, start + keyword.len()));
                }
            }
        }
        hits.sort_unstable();
        hits
    }

    fn fast(set: &KeywordSet, haystack: &[u8]) -> Vec<(usize, usize, usize)> {
        let mut hits = Vec::new();
        set.for_each_hit(haystack, |k, s, e| hits.push((k, s, e)));
        hits.sort_unstable();
        hits
    }

    #[test]
    fn finds_every_overlapping_occurrence_in_short_and_long_buffers() {
        let keywords = ["token", "api_key", "key", "ke", "secret_token", "tok", "x"];
        let set = KeywordSet::new(&keywords).unwrap();
        let unit = b"my SECRET_TOKEN and Api_Key: keykey, tokentoken x ";
        // Short (single slice) and long (five slices; lengths chosen so that occurrences
        // straddle the slice boundaries).
        for repeats in [1, 41, 400, 401, 1337] {
            let haystack = unit.repeat(repeats);
            assert_eq!(fast(&set, &haystack), naive(&keywords, &haystack));
        }
    }

    #[test]
    fn occurrences_on_slice_boundaries_are_reported_once() {
        let keywords = ["abcdef"];
        let set = KeywordSet::new(&keywords).unwrap();
        let len = INTERLEAVE_MIN_LEN * 4 + 3;
        let share = len / LANES;
        for offset in 0..7 {
            let mut haystack = vec![b'.'; len];
            for l in 1..LANES {
                let at = l * share + offset - 6;
                haystack[at..at + 6].copy_from_slice(b"abcdef");
            }
            assert_eq!(
                fast(&set, &haystack),
                naive(&keywords, &haystack),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn case_sensitive_sets_match_exactly() {
        let set = KeywordSet::case_sensitive(&["Debug"]).unwrap();
        assert_eq!(fast(&set, b"debug Debug DEBUG"), vec![(0, 6, 11)]);
    }

    #[test]
    fn rejects_empty_keywords() {
        assert!(KeywordSet::new(&["ok", ""]).is_err());
    }

    #[test]
    fn shared_keywords_serve_each_analyzer_its_own_list() {
        let secrets = vec![
            Keyword {
                text: b"token".to_vec(),
                case_sensitive: false,
            },
            Keyword {
                text: b"Secret".to_vec(),
                case_sensitive: false,
            },
        ];
        let app = vec![
            Keyword {
                text: b"secret".to_vec(),
                case_sensitive: true,
            },
            Keyword {
                text: b"DEBUG".to_vec(),
                case_sensitive: true,
            },
        ];
        let shared = SharedKeywords::new(&[secrets, app]).unwrap();
        let text = b"SECRET debug TOKEN secret DEBUG";
        let mut hits = shared.locate(text);
        hits.iter_mut().for_each(|h| h.sort_unstable());
        let hit = |keyword, start, end| KeywordHit {
            keyword,
            start,
            end,
        };
        assert_eq!(hits[0], vec![hit(0, 13, 18), hit(1, 0, 6), hit(1, 19, 25)]);
        // Case-sensitive keywords only where the case agrees.
        assert_eq!(hits[1], vec![hit(0, 19, 25), hit(1, 26, 31)]);
    }
}
