//! `check::lineage` answers as the `Model` methods it stands for, on every entity of models with
//! single and multiple inheritance, a diamond, a redefined attribute, a parent that does not
//! resolve and an inheritance cycle.

use lsmc::check::lineage::{is_lsm_or_std, Lineage};
use lsmc::driver::{self, Input};
use lsmc::project::MemoryFiles;
use lsmc::resolve::{EntityId, Model, RelationId};

const MODEL: &str = r#"
import lsm

entity Base extends lsm::ServiceEntity:
    string name
    int size = 1
end

entity Left extends Base:
    int size = 2
    string left
end

entity Right extends Base:
    string right
    string name
end

entity Diamond extends Left, Right:
end

entity Deep extends Diamond:
    bool deep = true
end

entity Part extends lsm::EmbeddedEntity:
    string id
end

entity Lost extends Deep, Missing:
end

entity Under extends Lost:
end

entity CycleA extends CycleB:
    string a
end

entity CycleB extends CycleA:
    string b
end

Base.parts [0:] -- Part._base [1]
Left.parts [0:] -- Part
Right.others [0:] -- Part
Deep.deep_parts [0:] -- Part
"#;

fn model() -> Model {
    let files = MemoryFiles::default();
    let input = Input {
        main_name: "main.cf",
        main_text: MODEL,
        files: &files,
    };
    driver::check(&input, driver::Options::default()).model
}

/// The relation ends of an entity as `relation_ends` defines them, from all its ancestors.
fn relation_ends_by_ancestors(model: &Model, entity: EntityId) -> Vec<(RelationId, usize)> {
    let mut ends: Vec<(RelationId, usize)> = Vec::new();
    for ancestor in model.ancestors(entity) {
        if is_lsm_or_std(model, ancestor) {
            continue;
        }
        for &(relation, end) in &model.entity(ancestor).relation_ends {
            let name = &model.relations[relation.index()].ends[end].name;
            if !ends
                .iter()
                .any(|(r, e)| &model.relations[r.index()].ends[*e].name == name)
            {
                ends.push((relation, end));
            }
        }
    }
    ends
}

#[test]
fn lineage_answers_as_the_model() {
    let model = model();
    let entities: Vec<EntityId> = (0..model.entities.len() as u32).map(EntityId).collect();
    assert!(
        entities.len() > 10,
        "the model has its entities and lsm's and std's"
    );
    // Asked in two orders: the lists made for a parent first, and for a child first.
    for order in [entities.clone(), entities.iter().rev().copied().collect()] {
        let lineage = Lineage::new(&model);
        for &entity in &order {
            let name = &model.entity(entity).full_name;
            let expected: Vec<*const _> = model
                .all_attributes(entity)
                .into_iter()
                .map(|a| a as *const _)
                .collect();
            let found: Vec<*const _> = lineage
                .all_attributes(entity)
                .iter()
                .map(|a| *a as *const _)
                .collect();
            assert_eq!(found, expected, "the attributes of {name}");
            for attribute in ["name", "size", "left", "deep", "a", "b", "none"] {
                assert_eq!(
                    lineage.attribute(entity, attribute).map(|a| a as *const _),
                    model.attribute(entity, attribute).map(|a| a as *const _),
                    "{name}.{attribute}"
                );
            }
            assert_eq!(
                lineage.relation_ends(entity).to_vec(),
                relation_ends_by_ancestors(&model, entity),
                "the relation ends of {name}"
            );
            assert_eq!(
                lineage.ancestry_unknown(entity),
                model.ancestry_unknown(entity),
                "whether the ancestry of {name} is known"
            );
            for &other in &entities {
                assert_eq!(
                    lineage.is_subtype(entity, other),
                    model.is_subtype(entity, other),
                    "{name} a subtype of {}",
                    model.entity(other).full_name
                );
            }
        }
    }
}
