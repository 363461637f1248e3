//! Printing: real PDFs checked with poppler-utils (`pdftotext`, `pdfinfo`, `pdffonts`) and `qpdf`.
//!
//! Needs the Debian packages `poppler-utils` and `qpdf`; a test fails (does not skip) when they are
//! missing. Set `PHONGTRAO_PRINT_OUT=<dir>` to keep the sample PDFs (docs/print is rendered from them).

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use phongtrao::print::*;

// ---- tools -------------------------------------------------------------------------------------

/// Runs a command-line tool; a missing tool fails the test and names the Debian package to install.
pub(crate) fn tool(name: &str, package: &str, args: &[&str]) -> std::process::Output {
    match Command::new(name).args(args).output() {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            panic!("`{name}` is missing: install the Debian package `{package}` (apt-get install -y {package})")
        }
        Err(e) => panic!("cannot run `{name}`: {e}"),
    }
}

/// stdout of a tool that must succeed.
pub(crate) fn stdout(name: &str, package: &str, args: &[&str]) -> String {
    let out = tool(name, package, args);
    assert!(out.status.success(), "{name} {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

pub(crate) fn arg(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// Text of one page (`pdftotext -layout`).
pub(crate) fn page_text(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    stdout("pdftotext", "poppler-utils", &["-layout", "-f", &p, "-l", &p, arg(pdf), "-"])
}

/// Runs of whitespace collapsed to one space, so that a phrase broken over two lines still matches.
pub(crate) fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(crate) fn page_count(pdf: &Path) -> usize {
    let info = stdout("pdfinfo", "poppler-utils", &[arg(pdf)]);
    let line = info.lines().find(|l| l.starts_with("Pages:")).expect("Pages line");
    line["Pages:".len()..].trim().parse().expect("page count")
}

/// A word's box from `pdftotext -bbox`, in points from the top left corner of its page.
#[derive(Debug)]
struct WordBox {
    page: usize,
    x_min: f32,
    y_min: f32,
    x_max: f32,
    y_max: f32,
    text: String,
}

fn word_boxes(pdf: &Path, dir: &Path) -> Vec<WordBox> {
    let html = dir.join("bbox.html");
    stdout("pdftotext", "poppler-utils", &["-bbox", arg(pdf), arg(&html)]);
    let html = std::fs::read_to_string(&html).expect("bbox output");
    let attr = |tag: &str, name: &str| -> f32 {
        let start = tag.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
        let end = start + tag[start..].find('"').expect("quote");
        tag[start..end].parse().expect("number")
    };
    let mut page = 0;
    let mut words = Vec::new();
    for line in html.lines().map(str::trim) {
        if line.starts_with("<page") {
            page += 1;
        } else if let Some(rest) = line.strip_prefix("<word") {
            let close = rest.find('>').expect("tag end");
            let text = rest[close + 1..].trim_end_matches("</word>").to_string();
            let tag = &rest[..close];
            words.push(WordBox {
                page,
                x_min: attr(tag, "xMin"),
                y_min: attr(tag, "yMin"),
                x_max: attr(tag, "xMax"),
                y_max: attr(tag, "yMax"),
                text,
            });
        }
    }
    words
}

/// Writes `pdf` to a temporary directory (and to `$PHONGTRAO_PRINT_OUT` when set).
pub(crate) fn save(pdf: &[u8], name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, pdf).expect("write pdf");
    if let Some(out) = std::env::var_os("PHONGTRAO_PRINT_OUT") {
        std::fs::create_dir_all(&out).expect("output dir");
        std::fs::write(Path::new(&out).join(name), pdf).expect("write sample");
    }
    (dir, path)
}

// ---- the sample Biên bản (Mẫu 1.9) -------------------------------------------------------------

const MM: f32 = 72.0 / 25.4;

fn bien_ban() -> Document {
    let content = [
        "Đồng chí Nguyễn Văn An, Trưởng Công an xã, nêu mục đích, yêu cầu của cuộc họp: đánh giá kết quả thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc năm 2025 ở Thôn Đắk Năng, đối chiếu với các tiêu chí khu dân cư an toàn về an ninh, trật tự và bình xét, đề nghị cấp có thẩm quyền công nhận theo quy định.",
        "Đồng chí Rơ Mah Hlim, Trưởng thôn, báo cáo tình hình an ninh, trật tự trên địa bàn thôn trong năm: không có tội phạm nghiêm trọng, không có người tham gia tổ chức phản động, không có khiếu kiện đông người; xảy ra 02 vụ mâu thuẫn trong gia đình và 01 vụ tranh chấp đất rẫy, đều đã được Tổ hòa giải ở cơ sở giải quyết ổn thỏa, không để phát sinh thành vụ việc phức tạp.",
        "Về công tác tuyên truyền, thôn đã phối hợp với Công an xã tổ chức 08 buổi tuyên truyền tại nhà văn hóa và 14 lượt tuyên truyền lưu động bằng loa, thu hút hơn 900 lượt người dân tham dự; nội dung tập trung vào phòng, chống tội phạm sử dụng công nghệ cao, lừa đảo chiếm đoạt tài sản qua mạng, phòng, chống ma túy và an toàn giao thông. Có 212 trên tổng số 230 hộ gia đình ký cam kết thực hiện phong trào, đạt tỷ lệ 92,2%.",
        "Các mô hình tự quản tiếp tục hoạt động có hiệu quả: mô hình “Camera an ninh” với 16 camera được lắp đặt tại các tuyến đường chính và điểm giáp ranh; mô hình “Nhóm liên gia tự quản” gồm 23 nhóm, định kỳ sinh hoạt hằng tháng; Tổ bảo vệ an ninh, trật tự ở cơ sở duy trì tuần tra vào ban đêm, nhất là trong dịp lễ, Tết và mùa thu hoạch cà phê.",
        "Trong năm, nhân dân đã cung cấp cho Công an xã 11 tin báo có giá trị, trong đó có 03 tin giúp phát hiện, xử lý đối tượng trộm cắp tài sản; vận động giao nộp 02 khẩu súng tự chế và 01 quả lựu đạn còn sót lại sau chiến tranh. Thôn không có người nghiện ma túy mới phát sinh; 02 người đang chấp hành án được gia đình và Ban công tác Mặt trận quản lý, giúp đỡ theo quy định.",
        "Ý kiến thảo luận: ông Siu Đen, Bí thư Chi bộ, đề nghị tiếp tục nhân rộng mô hình camera an ninh sang các tuyến đường liên thôn và tăng cường kiểm tra các hộ kinh doanh dịch vụ có điều kiện về an ninh, trật tự. Bà Nay H’Blơi, Chi hội trưởng Chi hội Phụ nữ, đề nghị chú trọng tuyên truyền phòng, chống lừa đảo qua mạng cho phụ nữ và người cao tuổi, vì trong năm có 04 trường hợp bị gọi điện giả danh cơ quan công an để yêu cầu chuyển tiền.",
        "Ông Lê Văn Cường, đại diện hộ gia đình, phản ánh tình trạng thanh thiếu niên tụ tập, điều khiển xe mô tô chạy tốc độ cao vào buổi tối trên đường liên xã; đề nghị Công an xã tăng cường tuần tra, kiểm soát và thông báo về nhà trường, gia đình để phối hợp giáo dục. Đồng chí Trưởng Công an xã tiếp thu ý kiến và giao Tổ bảo vệ an ninh, trật tự ở cơ sở xây dựng kế hoạch tuần tra cụ thể trong tháng 01 năm 2026.",
        "Ông A Blưm, Tổ trưởng Tổ bảo vệ an ninh, trật tự ở cơ sở, báo cáo: trong năm, Tổ đã tổ chức 96 ca tuần tra với 384 lượt người tham gia, phát hiện và nhắc nhở 27 trường hợp thanh thiếu niên tụ tập quá khuya, phối hợp với Công an xã giải tán 03 nhóm có biểu hiện gây rối trật tự công cộng; đề nghị Ủy ban nhân dân xã quan tâm bổ sung đèn pin, áo phản quang và kinh phí hỗ trợ cho các thành viên khi làm nhiệm vụ vào ban đêm.",
        "Bà Ksor H’Luyến, đại diện Chi hội Cựu chiến binh, đề nghị đưa nội dung giữ gìn an ninh, trật tự vào hương ước, quy ước của thôn; khen thưởng kịp thời những hộ gia đình, cá nhân có thành tích trong việc phát hiện, tố giác tội phạm, đồng thời nhắc nhở, phê bình công khai tại cuộc họp thôn đối với những trường hợp vi phạm để làm gương cho người khác.",
        "Đồng chí Phó Trưởng Công an xã thông tin thêm về tình hình tội phạm trên địa bàn xã: các đối tượng lợi dụng mạng xã hội để lừa đảo ngày càng tinh vi, giả danh nhân viên ngân hàng, nhà mạng, cơ quan bảo hiểm xã hội để yêu cầu người dân cung cấp mã xác thực; đề nghị mỗi hộ gia đình phổ biến cho người thân tuyệt đối không chuyển tiền, không cung cấp thông tin cá nhân khi chưa xác minh rõ ràng.",
        "Đại diện Đoàn Thanh niên đăng ký ra quân thực hiện công trình “Thắp sáng đường quê” trên tuyến đường từ nhà văn hóa đến trường tiểu học, lắp đặt 20 bóng đèn chiếu sáng bằng năng lượng mặt trời; phối hợp với nhà trường tổ chức 02 buổi ngoại khóa về phòng, chống bạo lực học đường và an toàn giao thông cho học sinh trong học kỳ II năm học 2025 - 2026.",
        "Kết quả bình xét: sau khi đối chiếu từng tiêu chí, hội nghị thống nhất đánh giá Thôn Đắk Năng đạt đủ các tiêu chuẩn khu dân cư an toàn về an ninh, trật tự năm 2025. Tổng số đại biểu dự họp là 47 người; số phiếu tán thành là 45 phiếu, đạt tỷ lệ 95,7%; không tán thành 02 phiếu. Hội nghị nhất trí đề nghị Chủ tịch Ủy ban nhân dân xã xem xét, công nhận.",
        "Đồng chí chủ trì kết luận: năm 2025 phong trào toàn dân bảo vệ an ninh Tổ quốc ở Thôn Đắk Năng có nhiều chuyển biến tích cực, tình hình an ninh, trật tự ổn định; tuy nhiên còn để xảy ra tình trạng lừa đảo qua mạng và vi phạm trật tự an toàn giao thông. Năm 2026, thôn cần tiếp tục duy trì các mô hình tự quản, nâng cao chất lượng sinh hoạt của các nhóm liên gia, phát huy vai trò của người có uy tín trong cộng đồng và chủ động nắm tình hình từ sớm, từ xa, từ cơ sở.",
        "Biên bản đã được đọc lại cho toàn thể đại biểu dự họp cùng nghe; các đại biểu nhất trí với nội dung biên bản, không có ý kiến khác. Biên bản được lập thành 03 bản có giá trị như nhau: 01 bản gửi Công an xã, 01 bản gửi Ủy ban nhân dân xã, 01 bản lưu tại thôn.",
    ];
    let mut doc = Document::new("Biên bản họp bình xét khu dân cư an toàn về an ninh, trật tự")
        .with(Header::new("Công an tỉnh Gia Lai", "Công an xã Ia Đal").number(doc_number(5, "BB-CAX")))
        .with(Title::new("Biên bản").subject("Họp bình xét khu dân cư an toàn về an ninh, trật tự năm 2025"))
        .with(LabeledLine::new("Thời gian bắt đầu", "08 giờ 00 phút, ngày 05 tháng 01 năm 2026."))
        .with(LabeledLine::new("Địa điểm", "Nhà văn hóa Thôn Đắk Năng, xã Ia Đal, tỉnh Gia Lai."))
        .with(LabeledLine::new("Thành phần tham dự", "đồng chí Nguyễn Văn An, Trưởng Công an xã; đồng chí Rơ Mah Hlim, Trưởng thôn; ông Siu Đen, Bí thư Chi bộ; đại diện Ban công tác Mặt trận, các chi hội đoàn thể, Tổ bảo vệ an ninh, trật tự ở cơ sở và 38 đại biểu đại diện các hộ gia đình trong thôn."))
        .with(LabeledLine::new("Chủ trì (chủ tọa)", "đồng chí Nguyễn Văn An, Trưởng Công an xã."))
        .with(LabeledLine::new("Thư ký (người ghi biên bản)", "đồng chí Trần Thị Bình, cán bộ Công an xã."))
        .with(LabeledLine::heading("Nội dung (theo diễn biến cuộc họp)"));
    for p in content {
        doc.push(Paragraph::new(p));
    }
    doc.with(Paragraph::new("Cuộc họp kết thúc vào 10 giờ 30 phút, ngày 05 tháng 01 năm 2026.").end_mark())
        .with(Signatures::pair(Signer::new(["Thư ký"], "Trần Thị Bình"), Signer::new(["Chủ tọa"], "Nguyễn Văn An")))
        .with(Recipients::new(["Ủy ban nhân dân xã (để báo cáo)", "Thôn Đắk Năng"]).archive("CAX"))
}

#[test]
fn bien_ban_prints_three_pages_of_correct_vietnamese() {
    let started = std::time::Instant::now();
    let pdf = render(&bien_ban()).expect("render");
    eprintln!("Biên bản: {} ms, {} KB", started.elapsed().as_millis(), pdf.len() / 1024);
    let (dir, path) = save(&pdf, "bien-ban-mau.pdf");

    assert_eq!(page_count(&path), 3);
    let info = stdout("pdfinfo", "poppler-utils", &[arg(&path)]);
    assert!(info.contains("595.276 x 841.89 pts (A4)") || info.contains("595.28 x 841.89 pts (A4)"), "{info}");

    let pages: Vec<String> = (1..=3).map(|p| page_text(&path, p)).collect();
    let all = squash(&pages.concat());
    for expected in [
        "CÔNG AN TỈNH GIA LAI",
        "CÔNG AN XÃ IA ĐAL",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 05/BB-CAX",
        "BIÊN BẢN",
        "Họp bình xét khu dân cư an toàn về an ninh, trật tự năm 2025",
        "Thời gian bắt đầu: 08 giờ 00 phút, ngày 05 tháng 01 năm 2026.",
        "Nội dung (theo diễn biến cuộc họp):",
        "Thôn Đắk Năng",
        "Bà Nay H’Blơi",
        "“Camera an ninh”",
        "các đại biểu nhất trí với nội dung biên bản",
        "Cuộc họp kết thúc vào 10 giờ 30 phút, ngày 05 tháng 01 năm 2026./.",
        "THƯ KÝ",
        "CHỦ TỌA",
        "Trần Thị Bình",
        "Nguyễn Văn An",
        "Nơi nhận:",
        "- Ủy ban nhân dân xã (để báo cáo);",
        "- Lưu: VT, CAX.",
    ] {
        assert!(all.contains(expected), "missing «{expected}» in:\n{all}");
    }
    // No place-date line in a Biên bản.
    assert!(!pages[0].contains(", ngày 05 tháng 01 năm 2026\n"));

    // Page numbers: none on page 1; "2" and "3" alone on the first line of pages 2 and 3.
    let first_line = |t: &str| t.lines().find(|l| !l.trim().is_empty()).map(|l| l.trim().to_string());
    assert!(first_line(&pages[0]).is_some_and(|l| l.contains("CÔNG AN TỈNH GIA LAI")), "{:?}", first_line(&pages[0]));
    assert_eq!(first_line(&pages[1]).as_deref(), Some("2"));
    assert_eq!(first_line(&pages[2]).as_deref(), Some("3"));

    // Geometry: every word inside the text area (30/15/20/20 mm margins); page numbers centred in
    // the top margin; justified lines reach the right margin.
    let (left, right, top, bottom) = (30.0 * MM, 210.0 * MM - 15.0 * MM, 20.0 * MM, 297.0 * MM - 20.0 * MM);
    let words = word_boxes(&path, dir.path());
    assert!(words.len() > 500, "{}", words.len());
    for w in &words {
        if w.y_max < top {
            assert!(w.page > 1 && w.text == w.page.to_string(), "only page numbers in the top margin: {w:?}");
            let centre = (w.x_min + w.x_max) / 2.0;
            assert!((centre - (left + right) / 2.0).abs() < 1.0, "page number centred: {w:?}");
            continue;
        }
        assert!(w.x_min >= left - 0.5 && w.x_max <= right + 0.5, "outside the side margins: {w:?}");
        assert!(w.y_min >= top - 1.0 && w.y_max <= bottom + 1.0, "outside the top/bottom margins: {w:?}");
    }
    let at_right = words.iter().filter(|w| (w.x_max - right).abs() < 0.2).count();
    assert!(at_right > 40, "justified lines end at the right margin: {at_right}");
    let at_indent = words.iter().filter(|w| (w.x_min - (left + 10.0 * MM)).abs() < 0.2).count();
    assert!(at_indent >= 15, "paragraphs start indented 1 cm: {at_indent}");

    // Signatures and recipients stay together on the last page.
    assert!(squash(&pages[2]).contains("THƯ KÝ CHỦ TỌA"));
    assert!(pages[2].contains("Trần Thị Bình") && pages[2].contains("Nơi nhận:"));
}

#[test]
fn fonts_are_embedded_subsets_and_the_file_is_valid() {
    let pdf = render(&bien_ban()).expect("render");
    let (_dir, path) = save(&pdf, "fonts.pdf");
    let fonts = stdout("pdffonts", "poppler-utils", &[arg(&path)]);
    // name  type  encoding  emb sub uni  object ID
    // pdffonts prints two header lines before the fonts.
    let rows: Vec<Vec<&str>> =
        fonts.lines().collect::<Vec<_>>()[2..].iter().map(|l| l.split_whitespace().collect()).collect();
    assert!(rows.len() >= 3, "regular, bold, bold italic at least:\n{fonts}");
    let mut names: Vec<&str> = Vec::new();
    for r in &rows {
        let name = r[0];
        let (tag, face) = name.split_once('+').unwrap_or_else(|| panic!("no subset tag: {fonts}"));
        assert!(tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()), "{name}");
        assert!(face.starts_with("LiberationSerif"), "{name}");
        let n = r.len();
        assert_eq!(&r[n - 5..n - 2], ["yes", "yes", "yes"], "emb sub uni: {fonts}");
        names.push(face);
    }
    for face in ["LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-BoldItalic"] {
        assert!(names.contains(&face), "{face} in {names:?}");
    }
    assert!(pdf.len() < 200 * 1024, "subsets keep the file small: {} KB", pdf.len() / 1024);

    let check = tool("qpdf", "qpdf", &["--check", arg(&path)]);
    assert!(
        check.status.success(),
        "qpdf --check: {}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn a_long_table_repeats_its_header_row_on_every_page() {
    let villages = ["Đắk Năng", "Ia Bang", "Plei Ông", "Bàu Cạn", "Tân Lập"];
    let mut table = Table::new(vec![
        Column::new("TT", 0.7, Align::Center),
        Column::new("Họ và tên", 3.0, Align::Left),
        Column::new("Thôn", 2.0, Align::Left),
        Column::new("Số hộ ký cam kết", 1.6, Align::Right),
    ]);
    for i in 1..=60 {
        table = table.row([
            i.to_string(),
            format!("Nguyễn Thị Hồng Nhung {i:02}"),
            format!("Thôn {}", villages[i % villages.len()]),
            (100 + i).to_string(),
        ]);
    }
    let date = NaiveDate::from_ymd_opt(2026, 1, 5).expect("date");
    let doc = Document::new("Danh sách")
        .with(Header::new("Công an tỉnh Gia Lai", "Công an xã Ia Đal").number("12/BC-CAX").place_date("Ia Đal", date))
        .with(Title::new("Báo cáo").subject("Kết quả ký cam kết thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc"))
        .with(Paragraph::new("Danh sách hộ gia đình ký cam kết năm 2025 như sau:"))
        .with(table)
        .with(Paragraph::new("Công an xã Ia Đal báo cáo để Ủy ban nhân dân xã biết, chỉ đạo.").end_mark())
        .with(Signatures::with_recipients(
            Recipients::new(["Ủy ban nhân dân xã"]).archive("CAX"),
            Signer::new(["Trưởng Công an xã"], "Nguyễn Văn An"),
        ));
    let pdf = render(&doc).expect("render");
    let (_dir, path) = save(&pdf, "bang-nhieu-trang.pdf");

    let n = page_count(&path);
    assert!(n >= 3, "60 rows span pages: {n}");
    let mut last_row = 0;
    for p in 1..=n {
        let text = page_text(&path, p);
        let header = text.lines().filter(|l| l.contains("TT") && l.contains("Họ và tên") && l.contains("Thôn")).count();
        let rows: Vec<usize> = text
            .lines()
            .filter_map(|l| {
                l.split_whitespace().next()?.parse::<usize>().ok().filter(|_| l.contains("Nguyễn Thị Hồng Nhung"))
            })
            .collect();
        if rows.is_empty() {
            assert_eq!(header, 0, "no header without rows on page {p}");
            continue;
        }
        assert_eq!(header, 1, "header row once on page {p}:\n{text}");
        // Rows continue in order from the previous page.
        assert_eq!(rows[0], last_row + 1, "page {p}");
        assert!(rows.windows(2).all(|w| w[1] == w[0] + 1), "page {p}: {rows:?}");
        last_row = *rows.last().expect("rows");
    }
    assert_eq!(last_row, 60);
    let text = squash(&page_text(&path, 1));
    assert!(text.contains("Ia Đal, ngày 05 tháng 01 năm 2026"), "{text}");
    assert!(text.contains("Số: 12/BC-CAX"));
}

#[test]
fn errors_are_vietnamese_and_nothing_is_written() {
    let doc = Document::new("x").with(Paragraph::new("Biểu tượng ☃ không có trong phông"));
    let err = render(&doc).expect_err("missing glyph");
    assert_eq!(
        err.to_string(),
        "Phông chữ không có ký tự «☃» (U+2603) trong đoạn: «Biểu tượng ☃ không có trong phông». Hãy bỏ hoặc thay ký tự này."
    );
    let tall = Signer::new(vec!["Chức danh rất dài"; 60], "Nguyễn Văn An");
    let err = render(&Document::new("x").with(Signatures::single(tall))).expect_err("too tall");
    assert_eq!(err.to_string(), "Phần «chữ ký» dài hơn một trang giấy, không in được. Hãy rút ngắn nội dung.");
}

#[test]
fn a_decision_with_articles_lists_and_recipients_beside_the_signature() {
    let date = NaiveDate::from_ymd_opt(2026, 2, 9).expect("date");
    let doc = Document::new("Quyết định công nhận khu dân cư an toàn về an ninh, trật tự")
        .with(Header::new("", "Ủy ban nhân dân\nxã Ia Đal").number("15/QĐ-UBND").place_date("Ia Đal", date))
        .with(Title::new("Quyết định").subject(
            "Về việc công nhận khu dân cư, cơ quan, doanh nghiệp, nhà trường đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2025",
        ))
        .with(Paragraph::new("CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ IA ĐAL").bold().centered())
        .with(Paragraph::new("Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;").italic())
        .with(
            Paragraph::new(
                "Căn cứ Thông tư của Bộ trưởng Bộ Công an quy định tiêu chuẩn, hồ sơ, thủ tục xét, công nhận khu dân cư, cơ quan, doanh nghiệp, nhà trường đạt tiêu chuẩn “An toàn về an ninh, trật tự”;",
            )
            .italic(),
        )
        .with(
            Paragraph::new("Theo đề nghị của Trưởng Công an xã tại Tờ trình số 03/TTr-CAX ngày 05 tháng 02 năm 2026.")
                .italic(),
        )
        .with(Paragraph::new("QUYẾT ĐỊNH:").bold().centered().keep_with_next())
        .with(Paragraph::from_spans(vec![
            Span::bold("Điều 1."),
            Span::regular(
                " Công nhận 03 khu dân cư đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2025, gồm:",
            ),
        ]))
        .with(List::new(ListStyle::Lettered, ["Thôn Đắk Năng;", "Thôn Ia Bang;", "Làng Plei Ông."]))
        .with(Paragraph::from_spans(vec![
            Span::bold("Điều 2."),
            Span::regular(" Các khu dân cư được công nhận có trách nhiệm:"),
        ]))
        .with(List::new(
            ListStyle::Dash,
            [
                "Duy trì, phát huy các mô hình tự quản về an ninh, trật tự đang hoạt động có hiệu quả;",
                "Báo cáo kết quả thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc hằng quý về Công an xã.",
            ],
        ))
        .with(
            Paragraph::from_spans(vec![
                Span::bold("Điều 3."),
                Span::regular(
                    " Quyết định này có hiệu lực kể từ ngày ký. Văn phòng Ủy ban nhân dân xã, Trưởng Công an xã, Trưởng các thôn, làng có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
                ),
            ])
            .end_mark(),
        )
        .with(Signatures::with_recipients(
            Recipients::new(["Như Điều 3", "Công an tỉnh (để báo cáo)", "Đảng ủy xã"]).archive("CAX"),
            Signer::new(["TM. Ủy ban nhân dân", "Chủ tịch"], "Rơ Châm Tuyên"),
        ));
    let pdf = render(&doc).expect("render");
    let (dir, path) = save(&pdf, "quyet-dinh-mau.pdf");
    assert_eq!(page_count(&path), 1);
    let text = page_text(&path, 1);
    let all = squash(&text);
    for expected in [
        "ỦY BAN NHÂN DÂN XÃ IA ĐAL",
        "Số: 15/QĐ-UBND",
        "Ia Đal, ngày 09 tháng 02 năm 2026",
        "QUYẾT ĐỊNH",
        "“An toàn về an ninh, trật tự” năm 2025",
        "Điều 1. Công nhận 03 khu dân cư",
        "a) Thôn Đắk Năng;",
        "b) Thôn Ia Bang;",
        "c) Làng Plei Ông.",
        "- Duy trì, phát huy",
        "chịu trách nhiệm thi hành Quyết định này./.",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Rơ Châm Tuyên",
        "- Như Điều 3;",
        "- Lưu: VT, CAX.",
    ] {
        assert!(all.contains(expected), "missing «{expected}» in:\n{text}");
    }
    // The issuing agency is on two lines as asked, "Số" and the date share a line, and "Nơi nhận"
    // sits on the line of the signer's title.
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    assert!(lines.iter().any(|l| l.starts_with("ỦY BAN NHÂN DÂN") && l.contains("CỘNG HÒA")), "{text}");
    assert!(lines.iter().any(|l| l.starts_with("XÃ IA ĐAL") && l.ends_with("Độc lập - Tự do - Hạnh phúc")), "{text}");
    assert!(lines.iter().any(|l| l.starts_with("Số: 15/QĐ-UBND") && l.ends_with("năm 2026")), "{text}");
    assert!(lines.iter().any(|l| l.starts_with("Nơi nhận:") && l.ends_with("TM. ỦY BAN NHÂN DÂN")), "{text}");

    // Faces: italic for "Căn cứ", bold italic for "Nơi nhận".
    let fonts = stdout("pdffonts", "poppler-utils", &[arg(&path)]);
    assert!(fonts.contains("+LiberationSerif-Italic ") && fonts.contains("+LiberationSerif-BoldItalic "), "{fonts}");

    // Words that start a list item sit at the 1 cm indent, like paragraphs.
    let indent = 30.0 * MM + 10.0 * MM;
    let words = word_boxes(&path, dir.path());
    for mark in ["a)", "b)", "c)"] {
        let w = words.iter().find(|w| w.text == mark).unwrap_or_else(|| panic!("{mark}"));
        assert!((w.x_min - indent).abs() < 0.2, "{w:?}");
    }
}

#[test]
fn a_form_with_dotted_lines_numbered_items_and_a_page_break() {
    let doc = Document::new("Phiếu đăng ký")
        .with(Header::new("Công an tỉnh Gia Lai", "Công an xã Ia Đal"))
        .with(Title::new("Phiếu đăng ký").subject("Tham gia Tổ bảo vệ an ninh, trật tự ở cơ sở"))
        .with(LabeledLine::dotted("Họ và tên").bold_label())
        .with(LabeledLine::dotted("Ngày, tháng, năm sinh"))
        .with(LabeledLine::new("Nơi cư trú", "Thôn Đắk Năng, xã Ia Đal, tỉnh Gia Lai").bold_label())
        .with(LabeledLine::heading("Cam kết"))
        .with(List::new(
            ListStyle::Numbered,
            [
                "Chấp hành nghiêm chủ trương của Đảng, chính sách, pháp luật của Nhà nước.",
                "Tham gia đầy đủ các buổi tuần tra, huấn luyện theo sự phân công.",
            ],
        ))
        .with(Block::PageBreak)
        .with(Paragraph::new("Ý kiến của Trưởng thôn:").bold().indent_mm(0.0))
        .with(LabeledLine::dotted(""))
        .with(Block::Space(5.0))
        .with(Signatures::single(Signer::new(["Người đăng ký"], "").note("(Ký, ghi rõ họ tên)")));
    let pdf = render(&doc).expect("render");
    let (dir, path) = save(&pdf, "phieu-dang-ky.pdf");
    assert_eq!(page_count(&path), 2, "the page break starts page 2");
    let page1 = squash(&page_text(&path, 1));
    assert!(page1.contains("Họ và tên: ....."), "{page1}");
    assert!(page1.contains("1. Chấp hành nghiêm") && page1.contains("2. Tham gia đầy đủ"), "{page1}");
    assert!(!page1.contains("Ý kiến của Trưởng thôn"));
    let page2 = page_text(&path, 2);
    assert!(squash(&page2).contains("Ý kiến của Trưởng thôn:") && page2.contains("(Ký, ghi rõ họ tên)"), "{page2}");

    // Dotted lines run to the right margin.
    let right = 210.0 * MM - 15.0 * MM;
    let dots: Vec<WordBox> = word_boxes(&path, dir.path()).into_iter().filter(|w| w.text.ends_with(".....")).collect();
    assert!(dots.len() >= 3, "{dots:?}");
    for d in &dots {
        assert!(d.x_max <= right + 0.5 && d.x_max > right - 4.0, "{d:?}");
    }
    let blank = dots.iter().find(|d| d.page == 2).expect("a blank dotted line on page 2");
    assert!((blank.x_min - 30.0 * MM).abs() < 0.5, "a line of dots alone starts at the margin: {blank:?}");
}
