//! The generated documents: their parts, and whether LibreOffice opens them.

use std::io::Read;

/// One part of a DOCX or XLSX (a zip), as text.
pub fn unzip(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip file");
    let mut f = z
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the archive"));
    let mut s = String::new();
    f.read_to_string(&mut s).expect("utf-8");
    s
}

/// Converts with LibreOffice and returns the PDF; CI has it, so there a failure to convert
/// fails the test. Without it (a developer's machine) the check is skipped, and says so.
pub fn to_pdf(bytes: &[u8], ext: &str) -> Option<Vec<u8>> {
    let soffice = ["soffice", "libreoffice"].into_iter().find(|c| {
        std::process::Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let Some(soffice) = soffice else {
        assert!(
            std::env::var("DANVAN_REQUIRE_E2E").is_err(),
            "LibreOffice is required here"
        );
        eprintln!("SKIPPED: LibreOffice (soffice) is not installed; {ext} → PDF not checked");
        return None;
    };
    // One LibreOffice at a time: two starting together in one process tree have crashed
    // on start-up, which says nothing about the document.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join(format!("report.{ext}"));
    std::fs::write(&input, bytes).unwrap();
    let out = std::process::Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}/profile",
            dir.path().display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&input)
        .output()
        .expect("run soffice");
    let pdf = dir.path().join("report.pdf");
    assert!(
        pdf.exists() && std::fs::metadata(&pdf).unwrap().len() > 1000,
        "{ext} → PDF failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(std::fs::read(pdf).unwrap())
}
