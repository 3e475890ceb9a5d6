//! Namespaces: isolated key spaces inside one tier, each listable and
//! clearable in O(its own entries).

use hashbrown::HashMap;

use crate::error::{CacheError, Result};
use crate::memory::links::{Links, List};

/// A namespace handle, obtained from [`crate::memory::MemoryTier::namespace`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ns(pub(crate) u32);

impl Ns {
    /// The namespace every tier starts with (named "").
    pub const DEFAULT: Ns = Ns(0);

    /// The numeric id, stable for the life of the tier.
    pub fn id(self) -> u32 {
        self.0
    }
}

/// Most namespaces one tier holds.
pub const MAX_NAMESPACES: usize = 4096;
/// Longest namespace name, in UTF-8 bytes.
pub const MAX_NAMESPACE_BYTES: usize = 256;

#[derive(Debug)]
struct Namespace {
    name: Box<str>,
    members: List,
}

/// Names, and the member list of each namespace.
#[derive(Debug)]
pub(crate) struct Namespaces {
    by_name: HashMap<Box<str>, u32>,
    spaces: Vec<Namespace>,
    links: Links,
}

impl Namespaces {
    pub(crate) fn new() -> Self {
        let mut by_name = HashMap::new();
        by_name.insert(Box::from(""), 0);
        Namespaces {
            by_name,
            spaces: vec![Namespace {
                name: Box::from(""),
                members: List::default(),
            }],
            links: Links::default(),
        }
    }

    /// Returns the namespace called `name`, creating it on first use.
    pub(crate) fn intern(&mut self, name: &str) -> Result<Ns> {
        if let Some(&id) = self.by_name.get(name) {
            return Ok(Ns(id));
        }
        if name.len() > MAX_NAMESPACE_BYTES || name.chars().any(|c| c.is_control()) {
            return Err(CacheError::InvalidOption {
                name: "namespace",
                reason: format!(
                    "a namespace name is at most {MAX_NAMESPACE_BYTES} bytes without control characters"
                ),
            });
        }
        if self.spaces.len() >= MAX_NAMESPACES {
            return Err(CacheError::LimitExceeded {
                what: "namespaces",
                limit: MAX_NAMESPACES as u64,
            });
        }
        let id = self.spaces.len() as u32;
        self.spaces.push(Namespace {
            name: Box::from(name),
            members: List::default(),
        });
        self.by_name.insert(Box::from(name), id);
        Ok(Ns(id))
    }

    pub(crate) fn check(&self, ns: Ns) -> Result<()> {
        if (ns.0 as usize) < self.spaces.len() {
            Ok(())
        } else {
            Err(CacheError::InvalidOption {
                name: "namespace",
                reason: format!("namespace id {} does not belong to this cache", ns.0),
            })
        }
    }

    pub(crate) fn name(&self, ns: Ns) -> Option<&str> {
        self.spaces.get(ns.0 as usize).map(|s| &*s.name)
    }

    pub(crate) fn len_of(&self, ns: Ns) -> u32 {
        self.spaces
            .get(ns.0 as usize)
            .map_or(0, |s| s.members.len())
    }

    pub(crate) fn add(&mut self, ns: Ns, slot: u32) {
        if let Some(space) = self.spaces.get_mut(ns.0 as usize) {
            self.links.push_front(&mut space.members, slot);
        }
    }

    pub(crate) fn remove(&mut self, ns: Ns, slot: u32) {
        if let Some(space) = self.spaces.get_mut(ns.0 as usize) {
            self.links.unlink(&mut space.members, slot);
        }
    }

    /// The slots of one namespace, newest first (a snapshot, safe to mutate after).
    pub(crate) fn members(&self, ns: Ns) -> Vec<u32> {
        match self.spaces.get(ns.0 as usize) {
            Some(space) => self.links.iter(&space.members).collect(),
            None => Vec::new(),
        }
    }

    /// Forgets all memberships; names stay valid.
    pub(crate) fn clear_members(&mut self) {
        self.links.clear();
        for space in &mut self.spaces {
            space.members = List::default();
        }
    }
}
