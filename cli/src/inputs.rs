//! What the user asked to scan: files, directories, stdin and S3 prefixes.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    File(PathBuf),
    S3 { bucket: String, prefix: String },
}

/// Expands directories into the files below them (sorted, recursively; hidden files and
/// Markdown documentation are left out). Paths that do not exist stay as files, so reading
/// them reports them as unreadable.
pub fn expand(args: &[String]) -> Vec<Input> {
    if args.is_empty() {
        return vec![Input::Stdin];
    }
    let mut inputs = Vec::new();
    for arg in args {
        if arg == "-" {
            inputs.push(Input::Stdin);
        } else if let Some(rest) = arg.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            inputs.push(Input::S3 {
                bucket: bucket.to_owned(),
                prefix: prefix.to_owned(),
            });
        } else {
            let path = Path::new(arg);
            if path.is_dir() {
                let mut files = Vec::new();
                walk(path, &mut files);
                files.sort();
                inputs.extend(files.into_iter().map(Input::File));
            } else {
                inputs.push(Input::File(path.to_path_buf()));
            }
        }
    }
    inputs
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        // Unlistable directory: reading it as a file reports the error.
        files.push(dir.to_path_buf());
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name.ends_with(".md") {
            continue;
        }
        if path.is_dir() {
            walk(&path, files);
        } else {
            files.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdin_files_and_s3() {
        let args = [
            "-".to_owned(),
            "s3://bucket/a/b/".to_owned(),
            "s3://bucket".to_owned(),
            "missing.json".to_owned(),
        ];
        assert_eq!(
            expand(&args),
            vec![
                Input::Stdin,
                Input::S3 {
                    bucket: "bucket".into(),
                    prefix: "a/b/".into()
                },
                Input::S3 {
                    bucket: "bucket".into(),
                    prefix: "".into()
                },
                Input::File("missing.json".into()),
            ]
        );
        assert_eq!(expand(&[]), vec![Input::Stdin]);
    }

    #[test]
    fn directories_expand_recursively_in_order() {
        let dir =
            std::env::temp_dir().join(format!("bedrock-alerts-inputs-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("b.json"), "{}").unwrap();
        std::fs::write(dir.join("sub/a.json"), "{}").unwrap();
        std::fs::write(dir.join("README.md"), "docs").unwrap();
        std::fs::write(dir.join(".hidden"), "x").unwrap();
        let got = expand(&[dir.to_string_lossy().into_owned()]);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            got,
            vec![
                Input::File(dir.join("b.json")),
                Input::File(dir.join("sub/a.json"))
            ]
        );
    }
}
