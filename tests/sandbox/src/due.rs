//! The controllers' work queue: what to reconcile and when, ordered by time, so that taking the
//! next due target and scheduling one cost O(log n) however many are waiting.

use std::collections::{BTreeSet, HashMap};
use std::hash::Hash;

use tokio::time::Instant;

pub struct Due<T> {
    at: HashMap<T, Instant>,
    queue: BTreeSet<(Instant, T)>,
}

impl<T: Clone + Eq + Hash + Ord> Due<T> {
    pub fn new() -> Due<T> {
        Due {
            at: HashMap::new(),
            queue: BTreeSet::new(),
        }
    }

    /// When the earliest target is due.
    pub fn next(&self) -> Option<Instant> {
        self.queue.first().map(|(at, _)| *at)
    }

    /// Schedules `target` at `at`, or earlier if it already is.
    pub fn at_least(&mut self, target: T, at: Instant) {
        match self.at.get(&target) {
            Some(current) if *current <= at => {}
            Some(current) => {
                self.queue.remove(&(*current, target.clone()));
                self.insert(target, at);
            }
            None => self.insert(target, at),
        }
    }

    /// Schedules `target` at `at`, replacing any earlier or later time.
    pub fn insert(&mut self, target: T, at: Instant) {
        if let Some(old) = self.at.insert(target.clone(), at) {
            self.queue.remove(&(old, target.clone()));
        }
        self.queue.insert((at, target));
    }

    /// Takes every target due at `now`, earliest first.
    pub fn take_ready(&mut self, now: Instant) -> Vec<T> {
        let mut ready = Vec::new();
        while let Some((at, _)) = self.queue.first()
            && *at <= now
        {
            let (_, target) = self.queue.pop_first().expect("checked above");
            self.at.remove(&target);
            ready.push(target);
        }
        ready
    }
}
