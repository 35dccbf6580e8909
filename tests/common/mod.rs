//! What the fixture-driven tests share: reading a fixture's own modules, and numbering source
//! lines for snapshots.

use std::path::PathBuf;

use lsmc::project::ModuleFiles;

/// The modules of a fixture: `libs/<mod>/model/_init.cf`, `libs/<mod>/model/<sub>.cf` (or
/// `<sub>/_init.cf`), registered under names relative to the repository, like the main file.
pub struct FixtureModules {
    /// The fixture folder on disk.
    pub dir: PathBuf,
    /// The fixture folder as shown in diagnostics: `fixtures/<kind>/<name>`.
    pub shown: String,
}

impl ModuleFiles for FixtureModules {
    fn module(&self, segments: &[&str]) -> Result<Option<(String, String)>, String> {
        let model = format!("libs/{}/model", segments[0]);
        let candidates = match segments {
            [_] => vec![format!("{model}/_init.cf")],
            [_, sub @ ..] => vec![
                format!("{model}/{}.cf", sub.join("/")),
                format!("{model}/{}/_init.cf", sub.join("/")),
            ],
            [] => Vec::new(),
        };
        for relative in candidates {
            let path = self.dir.join(&relative);
            if path.is_file() {
                let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
                return Ok(Some((format!("{}/{relative}", self.shown), text)));
            }
        }
        Ok(None)
    }
}

/// The source with 1-based line numbers, so that a snapshot shows where each error points.
pub fn numbered(text: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(i, line)| format!("{:>3} | {line}\n", i + 1))
        .collect()
}
