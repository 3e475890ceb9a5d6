//! Tag index: which slots carry a tag, so invalidating a tag costs
//! O(entries with that tag), not a scan.

use hashbrown::{Equivalent, HashMap, HashSet};

use crate::memory::namespaces::Ns;

/// Interned id of a (namespace, tag) pair.
pub(crate) type TagId = u32;

/// Owned map key. Hashes exactly like [`TagRef`] (same fields, same order).
#[derive(Debug, Hash, PartialEq, Eq)]
struct TagKey {
    ns: u32,
    name: Box<str>,
}

/// Borrowed lookup key, so lookups do not allocate.
#[derive(Hash)]
struct TagRef<'a> {
    ns: u32,
    name: &'a str,
}

impl Equivalent<TagKey> for TagRef<'_> {
    fn equivalent(&self, key: &TagKey) -> bool {
        self.ns == key.ns && self.name == &*key.name
    }
}

#[derive(Debug)]
struct Tag {
    key: TagKey,
    slots: HashSet<u32>,
}

#[derive(Debug, Default)]
pub(crate) struct Tags {
    by_name: HashMap<TagKey, TagId>,
    tags: HashMap<TagId, Tag>,
    next_id: TagId,
}

impl Tags {
    fn id_for(&mut self, ns: Ns, name: &str) -> TagId {
        if let Some(&id) = self.by_name.get(&TagRef { ns: ns.0, name }) {
            return id;
        }
        // Ids of dropped tags are never looked up again, so wrapping is harmless
        // unless 2^32 distinct tags are live at once, which the byte budget forbids.
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        let key = || TagKey {
            ns: ns.0,
            name: Box::from(name),
        };
        self.by_name.insert(key(), id);
        self.tags.insert(
            id,
            Tag {
                key: key(),
                slots: HashSet::new(),
            },
        );
        id
    }

    /// Records that `slot` carries each tag; returns their ids for the entry to keep.
    pub(crate) fn attach(&mut self, ns: Ns, slot: u32, names: &[&str]) -> Box<[TagId]> {
        let mut ids = Vec::with_capacity(names.len());
        for &name in names {
            let id = self.id_for(ns, name);
            if let Some(tag) = self.tags.get_mut(&id)
                && tag.slots.insert(slot)
            {
                ids.push(id);
            }
        }
        ids.into_boxed_slice()
    }

    /// Forgets that `slot` carries these tags; tags left with no members are dropped.
    pub(crate) fn detach(&mut self, slot: u32, ids: &[TagId]) {
        for id in ids {
            let now_empty = self.tags.get_mut(id).is_some_and(|tag| {
                tag.slots.remove(&slot);
                tag.slots.is_empty()
            });
            if now_empty && let Some(tag) = self.tags.remove(id) {
                self.by_name.remove(&tag.key);
            }
        }
    }

    /// The slots carrying `name` in `ns` (a snapshot, safe to mutate the tier after).
    pub(crate) fn slots_with(&self, ns: Ns, name: &str) -> Vec<u32> {
        self.by_name
            .get(&TagRef { ns: ns.0, name })
            .and_then(|id| self.tags.get(id))
            .map(|tag| tag.slots.iter().copied().collect())
            .unwrap_or_default()
    }

    pub(crate) fn clear(&mut self) {
        self.by_name.clear();
        self.tags.clear();
    }
}
