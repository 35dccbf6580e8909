//! What the LSM rules read of an entity's ancestors, made once per entity instead of by a walk of
//! its ancestors at each question: a model that binds a service to every level of an inheritance
//! chain of n entities asks about each level, and the walks made that n²/2.
//!
//! Every answer is the one of the [`Model`] method of the same name. The member lists of an
//! entity with one parent are its own members followed by its parent's list, each name once: the
//! order [`Model::ancestors`] gives (the entity, then its parent's ancestors).

use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

use rustc_hash::FxHashMap;

use crate::resolve::{AttributeDef, EntityId, Model, RelationId};

/// Sets of entities, a bit each.
type EntitySet = Rc<[u64]>;

/// A relation end: the relation, and which of its two ends.
type End = (RelationId, usize);

pub struct Lineage<'m> {
    model: &'m Model,
    /// Each entity's attributes, own ones first, each name once ([`Model::all_attributes`]).
    attributes: Vec<OnceCell<Rc<[&'m AttributeDef]>>>,
    /// Each entity's relation ends declared outside lsm and std, nearest first, each name once.
    relation_ends: Vec<OnceCell<Rc<[End]>>>,
    /// The subtypes of each entity asked about (the rules ask about a few lsm types).
    subtypes: RefCell<FxHashMap<EntityId, EntitySet>>,
    /// The entities with an ancestor whose parent did not resolve.
    unknown_ancestry: OnceCell<EntitySet>,
    /// Each entity's children: the inheritance edges, reversed.
    children: OnceCell<Vec<Vec<EntityId>>>,
}

impl<'m> Lineage<'m> {
    pub fn new(model: &'m Model) -> Lineage<'m> {
        let count = model.entities.len();
        Lineage {
            model,
            attributes: vec![OnceCell::new(); count],
            relation_ends: vec![OnceCell::new(); count],
            subtypes: RefCell::default(),
            unknown_ancestry: OnceCell::new(),
            children: OnceCell::new(),
        }
    }

    /// Whether `child` is `ancestor` or inherits from it.
    pub fn is_subtype(&self, child: EntityId, ancestor: EntityId) -> bool {
        let set = self
            .subtypes
            .borrow_mut()
            .entry(ancestor)
            .or_insert_with(|| self.descendants([ancestor]))
            .clone();
        contains(&set, child)
    }

    /// Whether a parent of the entity or of one of its ancestors did not resolve.
    pub fn ancestry_unknown(&self, entity: EntityId) -> bool {
        let set = self.unknown_ancestry.get_or_init(|| {
            let model = self.model;
            self.descendants(
                (0..model.entities.len() as u32)
                    .map(EntityId)
                    .filter(|e| model.entity(*e).unresolved_parent),
            )
        });
        contains(set, entity)
    }

    /// Every attribute of an entity, own ones first, then inherited ones, each name once.
    pub fn all_attributes(&self, entity: EntityId) -> Rc<[&'m AttributeDef]> {
        let model = self.model;
        along_parents(model, &self.attributes, entity, |e, inherited| {
            let mut out: Vec<&'m AttributeDef> = Vec::new();
            let mut add = |attribute: &'m AttributeDef| {
                if !out.iter().any(|a| a.name == attribute.name) {
                    out.push(attribute);
                }
            };
            match inherited {
                Some(inherited) => {
                    model.entity(e).attributes.iter().for_each(&mut add);
                    inherited.iter().copied().for_each(add);
                }
                None => model.all_attributes(e).into_iter().for_each(add),
            }
            out
        })
    }

    /// The attribute `name` of an entity (own or inherited).
    pub fn attribute(&self, entity: EntityId, name: &str) -> Option<&'m AttributeDef> {
        self.all_attributes(entity)
            .iter()
            .find(|a| a.name == name)
            .copied()
    }

    /// The relation ends of an entity and its ancestors, nearest first, each name once, leaving
    /// out those declared by lsm and std.
    pub fn relation_ends(&self, entity: EntityId) -> Rc<[(RelationId, usize)]> {
        let model = self.model;
        along_parents(model, &self.relation_ends, entity, |e, inherited| {
            let mut out: Vec<(RelationId, usize)> = Vec::new();
            let add_own = |of: EntityId, out: &mut Vec<(RelationId, usize)>| {
                if is_lsm_or_std(model, of) {
                    return;
                }
                for &end in &model.entity(of).relation_ends {
                    add(model, out, end);
                }
            };
            match inherited {
                Some(inherited) => {
                    add_own(e, &mut out);
                    for &end in inherited.iter() {
                        add(model, &mut out, end);
                    }
                }
                None => {
                    for ancestor in model.ancestors(e) {
                        add_own(ancestor, &mut out);
                    }
                }
            }
            out
        })
    }

    /// The entities that are one of `roots` or inherit from one.
    fn descendants(&self, roots: impl IntoIterator<Item = EntityId>) -> EntitySet {
        let model = self.model;
        let children = self.children.get_or_init(|| {
            let mut children = vec![Vec::new(); model.entities.len()];
            for (i, entity) in model.entities.iter().enumerate() {
                for parent in &entity.parents {
                    children[parent.index()].push(EntityId(i as u32));
                }
            }
            children
        });
        let mut set = vec![0u64; model.entities.len().div_ceil(64)];
        let mut todo: Vec<EntityId> = Vec::new();
        for root in roots {
            if insert(&mut set, root) {
                todo.push(root);
            }
        }
        while let Some(entity) = todo.pop() {
            for &child in &children[entity.index()] {
                if insert(&mut set, child) {
                    todo.push(child);
                }
            }
        }
        set.into()
    }
}

/// Whether an entity is declared by the std or lsm modules.
pub fn is_lsm_or_std(model: &Model, entity: EntityId) -> bool {
    let ns = &model.namespace(model.entity(entity).namespace).name;
    ns == "std" || ns == "lsm" || ns.starts_with("lsm::")
}

/// Adds a relation end unless one of the same name is in already.
fn add(model: &Model, out: &mut Vec<(RelationId, usize)>, (relation, end): (RelationId, usize)) {
    let name = &model.relations[relation.index()].ends[end].name;
    if !out
        .iter()
        .any(|(r, e)| &model.relations[r.index()].ends[*e].name == name)
    {
        out.push((relation, end));
    }
}

fn contains(set: &[u64], entity: EntityId) -> bool {
    set.get(entity.index() / 64)
        .is_some_and(|word| word & (1 << (entity.index() % 64)) != 0)
}

/// Adds an entity to a set; whether it was not in yet.
fn insert(set: &mut [u64], entity: EntityId) -> bool {
    let (word, bit) = (entity.index() / 64, 1u64 << (entity.index() % 64));
    let new = set[word] & bit == 0;
    set[word] |= bit;
    new
}

/// The list `cells` keeps for `entity`, made by `make(entity, Some(parent's list))` for an entity
/// with one parent and `make(entity, None)` (from all its ancestors) for any other. The entities
/// of a chain of single parents are made from the top down, without recursion.
fn along_parents<T>(
    model: &Model,
    cells: &[OnceCell<Rc<[T]>>],
    entity: EntityId,
    make: impl Fn(EntityId, Option<&[T]>) -> Vec<T>,
) -> Rc<[T]> {
    if let Some(list) = cells[entity.index()].get() {
        return list.clone();
    }
    let mut chain = vec![entity];
    let mut top = entity;
    while let [parent] = model.entity(top).parents[..] {
        if cells[parent.index()].get().is_some() {
            break;
        }
        if chain.len() > model.entities.len() {
            // A cycle of single parents (an error reported already): no top to start from.
            return make(entity, None).into();
        }
        chain.push(parent);
        top = parent;
    }
    for &e in chain.iter().rev() {
        let list: Rc<[T]> = match model.entity(e).parents[..] {
            [parent] => match cells[parent.index()].get() {
                Some(inherited) => make(e, Some(inherited)).into(),
                None => make(e, None).into(),
            },
            _ => make(e, None).into(),
        };
        let _ = cells[e.index()].set(list);
    }
    cells[entity.index()].get().expect("made above").clone()
}
