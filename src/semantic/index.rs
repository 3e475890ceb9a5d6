//! The vector index: per space (a namespace and a group, the model name), the
//! unit vectors of that space's entries in blocks of rows (rows.rs), searched brute
//! force for the top k at or above a threshold. Rows are keyed by
//! (namespace, entry key), so the removal hook drops a row in O(1) (swap remove).

use std::hash::{Hash, Hasher};

use hashbrown::{Equivalent, HashMap};

use crate::error::{CacheError, Result};
use crate::memory::growth::reserve_for;
use crate::semantic::kernel::Kernel;
use crate::semantic::rows::Rows;
use crate::semantic::vector::{Precision, normalised, quantised};

/// The most results one search returns.
pub const MAX_TOP_K: usize = 64;

/// Bookkeeping bytes of one row beyond its vector and two copies of its key
/// (the owner list and the row map): map slot, boxes, scale.
pub const ROW_OVERHEAD: u64 = 48;

/// One search result: an entry key and its cosine similarity to the query.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The entry's key.
    pub key: String,
    /// Its similarity to the query.
    pub score: f32,
}

/// A vector checked and converted for its space, not yet stored.
pub struct PreparedRow {
    dims: usize,
    data: RowData,
}

enum RowData {
    F32(Vec<f32>),
    Int8(Vec<i8>, f32),
}

impl PreparedRow {
    fn precision(&self) -> Precision {
        match self.data {
            RowData::F32(_) => Precision::F32,
            RowData::Int8(..) => Precision::Int8,
        }
    }

    /// What the row will cost, charged to its entry's weight.
    pub fn weight(&self, key: &str) -> u64 {
        self.precision()
            .vector_bytes(self.dims)
            .saturating_add((key.len() as u64).saturating_mul(2))
            .saturating_add(ROW_OVERHEAD)
    }
}

struct Space {
    ns: u32,
    group: Box<str>,
    dims: usize,
    precision: Precision,
    /// Row -> entry key.
    owners: Vec<Box<str>>,
    /// The rows of an f32 space (empty in an int8 one).
    f32s: Rows<f32>,
    /// The rows of an int8 space and their scales (empty in an f32 one).
    i8s: Rows<i8>,
    scales: Rows<f32>,
}

impl Space {
    fn new(ns: u32, group: &str, dims: usize, precision: Precision) -> Self {
        Space {
            ns,
            group: group.into(),
            dims,
            precision,
            owners: Vec::new(),
            f32s: Rows::new(dims),
            i8s: Rows::new(dims),
            scales: Rows::new(1),
        }
    }

    fn push(&mut self, key: &str, data: RowData) -> u32 {
        match data {
            RowData::F32(v) => self.f32s.push(&v),
            RowData::Int8(v, scale) => {
                self.i8s.push(&v);
                self.scales.push(&[scale]);
            }
        }
        let rows = self.owners.len().saturating_add(1);
        reserve_for(&mut self.owners, rows);
        self.owners.push(key.into());
        (self.owners.len() - 1) as u32
    }

    /// Moves the last row into `row`; returns the key of the row that moved, if any.
    fn swap_remove(&mut self, row: usize) -> Option<Box<str>> {
        let last = self.owners.len().checked_sub(1)?;
        if row > last {
            return None;
        }
        match self.precision {
            Precision::F32 => self.f32s.swap_remove(row),
            Precision::Int8 => {
                self.i8s.swap_remove(row);
                self.scales.swap_remove(row);
            }
        }
        self.owners.swap_remove(row);
        (row != last)
            .then(|| self.owners.get(row).cloned())
            .flatten()
    }

    /// Scores every row against `query`, in storage order.
    fn scan(&self, kernel: Kernel, query: &Query, mut f: impl FnMut(usize, f32)) {
        match query {
            Query::F32(q) => self.f32s.for_each(|i, v| f(i, kernel.dot_f32(q, v))),
            Query::Int8(q, qs) => self.i8s.for_each(|i, v| {
                let s = self
                    .scales
                    .get(i)
                    .and_then(|s| s.first())
                    .copied()
                    .unwrap_or(0.0);
                f(i, kernel.dot_i8(q, v) as f32 * qs * s);
            }),
        }
    }
}

enum Query {
    F32(Vec<f32>),
    Int8(Vec<i8>, f32),
}

/// `(namespace, key)` borrowed, to find a row without allocating its key.
struct RowKey<'a>(u32, &'a str);

impl Hash for RowKey<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // The same bytes as the stored `(u32, Box<str>)` hashes.
        (self.0, self.1).hash(state);
    }
}

impl Equivalent<(u32, Box<str>)> for RowKey<'_> {
    fn equivalent(&self, key: &(u32, Box<str>)) -> bool {
        self.0 == key.0 && self.1 == &*key.1
    }
}

/// Every space's rows, and where each entry's row is.
#[derive(Default)]
pub struct VectorIndex {
    kernel: Kernel,
    spaces: Vec<Space>,
    rows: HashMap<(u32, Box<str>), (u32, u32)>,
    bytes: u64,
}

impl VectorIndex {
    /// An empty index scoring with `kernel`.
    pub fn new(kernel: Kernel) -> Self {
        VectorIndex {
            kernel,
            ..VectorIndex::default()
        }
    }

    /// Switches the search loops (for measurement).
    pub fn set_kernel(&mut self, kernel: Kernel) {
        self.kernel = kernel;
    }

    /// Rows stored.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the index holds no vectors.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Bytes charged for the stored rows (see [`PreparedRow::weight`]).
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Whether `key` of `ns` has a row.
    pub fn contains(&self, ns: u32, key: &str) -> bool {
        self.rows.contains_key(&RowKey(ns, key))
    }

    fn space(&self, ns: u32, group: &str) -> Option<(usize, &Space)> {
        self.spaces
            .iter()
            .enumerate()
            .find(|(_, s)| s.ns == ns && &*s.group == group)
    }

    /// Checks `vector` against the space of (`ns`, `group`) (its first vector
    /// sets the dimensions and precision) and prepares it, changing nothing.
    pub fn prepare(
        &self,
        ns: u32,
        group: &str,
        vector: &[f32],
        precision: Precision,
    ) -> Result<PreparedRow> {
        let space = self.space(ns, group).map(|(_, s)| s);
        if let Some(s) = space.filter(|s| s.precision != precision) {
            return Err(CacheError::InvalidOption {
                name: "precision",
                reason: format!("this space holds {:?} vectors", s.precision),
            });
        }
        let unit = normalised(vector, space.map(|s| s.dims))?;
        let dims = unit.len();
        let data = match precision {
            Precision::F32 => RowData::F32(unit),
            Precision::Int8 => {
                let (q, scale) = quantised(&unit);
                RowData::Int8(q, scale)
            }
        };
        Ok(PreparedRow { dims, data })
    }

    /// Stores a prepared row for `key`, replacing its previous row.
    pub fn insert(&mut self, ns: u32, key: &str, group: &str, row: PreparedRow) -> Result<()> {
        self.remove(ns, key);
        let weight = row.weight(key);
        let precision = row.precision();
        let at = match self.space(ns, group) {
            Some((at, s)) if s.dims == row.dims && s.precision == precision => at,
            Some(_) => {
                return Err(CacheError::InvalidOption {
                    name: "vector",
                    reason: "the space changed shape since the vector was prepared".into(),
                });
            }
            None => {
                self.spaces.push(Space::new(ns, group, row.dims, precision));
                self.spaces.len() - 1
            }
        };
        let Some(space) = self.spaces.get_mut(at) else {
            return Ok(());
        };
        let r = space.push(key, row.data);
        self.rows.insert((ns, key.into()), (at as u32, r));
        self.bytes = self.bytes.saturating_add(weight);
        Ok(())
    }

    /// Drops the row of `key`; true if it had one.
    pub fn remove(&mut self, ns: u32, key: &str) -> bool {
        let Some((space_at, row)) = self.rows.remove(&RowKey(ns, key)) else {
            return false;
        };
        let Some(space) = self.spaces.get_mut(space_at as usize) else {
            return true;
        };
        let weight = PreparedRow {
            dims: space.dims,
            data: match space.precision {
                Precision::F32 => RowData::F32(Vec::new()),
                Precision::Int8 => RowData::Int8(Vec::new(), 0.0),
            },
        }
        .weight(key);
        self.bytes = self.bytes.saturating_sub(weight);
        if let Some(moved) = space.swap_remove(row as usize)
            && let Some(slot) = self.rows.get_mut(&RowKey(ns, &moved))
        {
            slot.1 = row;
        }
        true
    }

    /// Drops every row (the tier was cleared).
    pub fn clear(&mut self) {
        self.spaces.clear();
        self.rows.clear();
        self.bytes = 0;
    }

    /// The `k` rows of (`ns`, `group`) most similar to `query` with a cosine
    /// similarity of at least `threshold`, best first.
    pub fn search(
        &self,
        ns: u32,
        group: &str,
        query: &[f32],
        k: usize,
        threshold: f32,
    ) -> Result<Vec<Hit>> {
        if k == 0 || k > MAX_TOP_K {
            return Err(CacheError::InvalidOption {
                name: "topK",
                reason: format!("1 to {MAX_TOP_K}"),
            });
        }
        if !threshold.is_finite() {
            return Err(CacheError::InvalidOption {
                name: "threshold",
                reason: "a finite number (cosine similarity, -1 to 1)".into(),
            });
        }
        let Some((_, space)) = self.space(ns, group) else {
            normalised(query, None)?;
            return Ok(Vec::new());
        };
        let unit = normalised(query, Some(space.dims))?;
        let q = match space.precision {
            Precision::F32 => Query::F32(unit),
            Precision::Int8 => {
                let (q, s) = quantised(&unit);
                Query::Int8(q, s)
            }
        };
        let mut best: Vec<(f32, usize)> = Vec::with_capacity(k.saturating_add(1));
        space.scan(self.kernel, &q, |row, score| {
            if score < threshold || (best.len() == k && best.last().is_some_and(|b| score <= b.0)) {
                return;
            }
            let at = best.partition_point(|b| b.0 >= score);
            best.insert(at, (score, row));
            best.truncate(k);
        });
        Ok(best
            .into_iter()
            .filter_map(|(score, row)| {
                let key = space.owners.get(row)?;
                Some(Hit {
                    key: key.to_string(),
                    score,
                })
            })
            .collect())
    }
}
