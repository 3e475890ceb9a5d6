//! Tag index: which slots carry a tag, so invalidating a tag costs
//! O(entries with that tag), not a scan.
//!
//! Tags live in a slab with recycled ids (an id is never reused while its tag
//! is live), and each name is stored once: the name lookup is a hash table of
//! ids that compares against the slab.

use std::hash::BuildHasher;

use hashbrown::{DefaultHashBuilder, HashSet, HashTable};

use crate::memory::namespaces::Ns;

/// Slab index of a live (namespace, tag) pair.
pub(crate) type TagId = u32;

#[derive(Debug)]
struct Tag {
    ns: u32,
    name: Box<str>,
    hash: u64,
    slots: HashSet<u32>,
}

#[derive(Debug, Default)]
pub(crate) struct Tags {
    hasher: DefaultHashBuilder,
    by_name: HashTable<TagId>,
    tags: Vec<Option<Tag>>,
    free: Vec<TagId>,
}

impl Tags {
    fn tag(&self, id: TagId) -> Option<&Tag> {
        self.tags.get(id as usize).and_then(Option::as_ref)
    }

    fn find(&self, ns: Ns, name: &str) -> Option<TagId> {
        let hash = self.hasher.hash_one((ns.0, name));
        let tags = &self.tags;
        self.by_name
            .find(hash, |&id| {
                tags.get(id as usize)
                    .and_then(Option::as_ref)
                    .is_some_and(|t| t.ns == ns.0 && &*t.name == name)
            })
            .copied()
    }

    fn id_for(&mut self, ns: Ns, name: &str) -> TagId {
        if let Some(id) = self.find(ns, name) {
            return id;
        }
        let hash = self.hasher.hash_one((ns.0, name));
        let tag = Tag {
            ns: ns.0,
            name: Box::from(name),
            hash,
            slots: HashSet::new(),
        };
        let id = match self.free.pop() {
            Some(id) => {
                if let Some(cell) = self.tags.get_mut(id as usize) {
                    *cell = Some(tag);
                }
                id
            }
            None => {
                let len = self.tags.len() + 1;
                crate::memory::growth::reserve_for(&mut self.tags, len);
                self.tags.push(Some(tag));
                (self.tags.len() - 1) as TagId
            }
        };
        let tags = &self.tags;
        self.by_name.insert_unique(hash, id, |&other| {
            tags.get(other as usize)
                .and_then(Option::as_ref)
                .map_or(0, |t| t.hash)
        });
        id
    }

    /// Records that `slot` carries each (distinct) tag; returns their ids for the entry to keep.
    pub(crate) fn attach(&mut self, ns: Ns, slot: u32, names: &[&str]) -> Box<[TagId]> {
        let mut ids = Vec::with_capacity(names.len());
        for &name in names {
            let id = self.id_for(ns, name);
            if let Some(Some(tag)) = self.tags.get_mut(id as usize)
                && tag.slots.insert(slot)
            {
                ids.push(id);
            }
        }
        ids.into_boxed_slice()
    }

    /// Forgets that `slot` carries these tags; tags left with no members are dropped.
    pub(crate) fn detach(&mut self, slot: u32, ids: &[TagId]) {
        for &id in ids {
            let now_empty = match self.tags.get_mut(id as usize) {
                Some(Some(tag)) => {
                    tag.slots.remove(&slot);
                    tag.slots.is_empty()
                }
                _ => false,
            };
            if now_empty {
                self.drop_tag(id);
            }
        }
    }

    fn drop_tag(&mut self, id: TagId) {
        let Some(tag) = self.tags.get_mut(id as usize).and_then(Option::take) else {
            return;
        };
        if let Ok(found) = self.by_name.find_entry(tag.hash, |&other| other == id) {
            found.remove();
        }
        self.free.push(id);
    }

    /// Total name length of these tags (part of an entry's weight).
    pub(crate) fn name_bytes(&self, ids: &[TagId]) -> u64 {
        ids.iter()
            .filter_map(|&id| self.tag(id))
            .map(|t| t.name.len() as u64)
            .sum()
    }

    /// The slots carrying `name` in `ns` (a snapshot, safe to mutate the tier after).
    pub(crate) fn slots_with(&self, ns: Ns, name: &str) -> Vec<u32> {
        self.find(ns, name)
            .and_then(|id| self.tag(id))
            .map(|tag| tag.slots.iter().copied().collect())
            .unwrap_or_default()
    }

    pub(crate) fn clear(&mut self) {
        self.by_name.clear();
        self.tags.clear();
        self.free.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_recycled_only_after_the_tag_is_gone() {
        let mut tags = Tags::default();
        let ns = Ns::DEFAULT;
        let a = tags.attach(ns, 1, &["a"]);
        let b = tags.attach(ns, 2, &["b"]);
        assert_ne!(a, b);
        tags.detach(1, &a);
        assert!(tags.slots_with(ns, "a").is_empty());
        let c = tags.attach(ns, 3, &["c"]);
        assert_eq!(c, a, "the freed id is reused");
        assert_eq!(tags.slots_with(ns, "b"), vec![2]);
        assert_eq!(tags.slots_with(ns, "c"), vec![3]);
    }

    #[test]
    fn duplicate_names_attach_once() {
        let mut tags = Tags::default();
        let ids = tags.attach(Ns::DEFAULT, 7, &["x", "x"]);
        assert_eq!(ids.len(), 1);
    }
}
