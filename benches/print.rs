//! A 3-page Biên bản họp: our layout (`print::render`, then the file written) beside LibreOffice
//! converting the same document, written by this benchmark as a flat ODT (`.fodt`), to PDF
//! (`soffice --headless --convert-to pdf`), in one run. `cargo bench --bench print` prints the
//! table for docs/PERFORMANCE.md. LibreOffice is not a test dependency: `scripts/bench-print.sh`
//! installs it (Debian: libreoffice-writer-nogui) and runs this.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use phongtrao::print::forms::{Agency, Issue, MeetingMinutes, Votes};

const PARAGRAPHS: &[&str] = &[
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
    "Biên bản đã được đọc lại cho toàn thể đại biểu dự họp cùng nghe; các đại biểu nhất trí với nội dung biên bản, không có ý kiến khác. Biên bản được lập thành 03 bản có giá trị như nhau: 01 bản gửi Công an xã, 01 bản gửi Ủy ban nhân dân xã, 01 bản lưu tại thôn.",
];
const CONCLUSION: &str = "Năm 2025 phong trào toàn dân bảo vệ an ninh Tổ quốc ở Thôn Đắk Năng có nhiều chuyển biến tích cực, tình hình an ninh, trật tự ổn định; tuy nhiên còn để xảy ra tình trạng lừa đảo qua mạng và vi phạm trật tự an toàn giao thông. Năm 2026, thôn cần tiếp tục duy trì các mô hình tự quản, nâng cao chất lượng sinh hoạt của các nhóm liên gia, phát huy vai trò của người có uy tín trong cộng đồng và chủ động nắm tình hình từ sớm, từ xa, từ cơ sở.";
const ATTENDEES: &[&str] = &[
    "Đồng chí Nguyễn Văn An – Trưởng Công an xã",
    "Ông Rơ Mah Hlim – Trưởng thôn",
    "Ông Siu Đen – Bí thư chi bộ",
    "Bà Ksor H’Luyến – Trưởng ban công tác Mặt trận",
    "Đại diện các hộ gia đình trong khu dân cư",
];

fn minutes() -> MeetingMinutes {
    let at = |h, m| NaiveDate::from_ymd_opt(2026, 1, 5).unwrap().and_hms_opt(h, m, 0).unwrap();
    MeetingMinutes {
        title: "Họp bình xét khu dân cư an toàn về an ninh, trật tự năm 2025".into(),
        starts_at: Some(at(8, 0)),
        ends_at: Some(at(10, 30)),
        place: "Nhà văn hóa Thôn Đắk Năng, xã Ia Đal, tỉnh Gia Lai".into(),
        attendees: ATTENDEES.iter().map(|s| (*s).to_owned()).collect(),
        attendee_count: Some(47),
        chair: "Nguyễn Văn An".into(),
        secretary: "Trần Thị Bình".into(),
        agenda: PARAGRAPHS.join("\n"),
        conclusions: CONCLUSION.into(),
        votes: Some(Votes { for_: 45, against: 2, abstain: 0 }),
        recipients: vec!["Ủy ban nhân dân xã Ia Đal (để báo cáo)".into(), "Thôn Đắk Năng".into()],
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The same Biên bản as a flat ODT: A4, the decree's margins, Liberation Serif 14 pt, justified
/// paragraphs with a 1 cm first-line indent and 6 pt after, a two-column header and signature table.
fn fodt() -> String {
    let p = |style: &str, text: &str| format!("<text:p text:style-name=\"{style}\">{}</text:p>\n", esc(text));
    let mut body = String::new();
    body.push_str("<table:table table:name=\"Header\" table:style-name=\"Wide\"><table:table-column table:number-columns-repeated=\"2\"/><table:table-row><table:table-cell>");
    body.push_str(&p("C13", "CÔNG AN TỈNH GIA LAI"));
    body.push_str(&p("C13B", "CÔNG AN XÃ IA ĐAL"));
    body.push_str(&p("C13", "Số: 05/BB-CAX"));
    body.push_str("</table:table-cell><table:table-cell>");
    body.push_str(&p("C13B", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
    body.push_str(&p("C14B", "Độc lập - Tự do - Hạnh phúc"));
    body.push_str("</table:table-cell></table:table-row></table:table>\n");
    body.push_str(&p("C14B", "BIÊN BẢN"));
    body.push_str(&p("C14B", "Họp bình xét khu dân cư an toàn về an ninh, trật tự năm 2025"));
    body.push_str(&p("Body", "Thời gian bắt đầu: 08 giờ 00 phút, ngày 05 tháng 01 năm 2026."));
    body.push_str(&p("Body", "Địa điểm: Nhà văn hóa Thôn Đắk Năng, xã Ia Đal, tỉnh Gia Lai"));
    body.push_str(&p("Body", "Thành phần tham dự: (tổng số 47 người)"));
    for a in ATTENDEES {
        body.push_str(&p("Body", &format!("- {a};")));
    }
    body.push_str(&p("Body", "Chủ trì (chủ tọa): Nguyễn Văn An"));
    body.push_str(&p("Body", "Thư ký (người ghi biên bản): Trần Thị Bình"));
    body.push_str(&p("Body", "Nội dung (theo diễn biến cuộc họp):"));
    for para in PARAGRAPHS {
        body.push_str(&p("Body", para));
    }
    body.push_str(&p("Body", "Kết luận của chủ trì:"));
    body.push_str(&p("Body", CONCLUSION));
    body.push_str(&p(
        "Body",
        "Kết quả biểu quyết: 45/47 người dự họp tán thành (95,7%); 2 không tán thành; 0 không biểu quyết.",
    ));
    body.push_str(&p("Body", "Cuộc họp kết thúc vào 10 giờ 30 phút, ngày 05 tháng 01 năm 2026./."));
    body.push_str("<table:table table:name=\"Sign\" table:style-name=\"Wide\"><table:table-column table:number-columns-repeated=\"2\"/><table:table-row><table:table-cell>");
    body.push_str(&p("C14B", "THƯ KÝ"));
    body.push_str(&p("C14", "\u{a0}"));
    body.push_str(&p("C14", "\u{a0}"));
    body.push_str(&p("C14B", "Trần Thị Bình"));
    body.push_str("</table:table-cell><table:table-cell>");
    body.push_str(&p("C14B", "CHỦ TỌA"));
    body.push_str(&p("C14", "\u{a0}"));
    body.push_str(&p("C14", "\u{a0}"));
    body.push_str(&p("C14B", "Nguyễn Văn An"));
    body.push_str("</table:table-cell></table:table-row></table:table>\n");
    body.push_str(&p("Recv", "Nơi nhận:"));
    for r in ["- Ủy ban nhân dân xã Ia Đal (để báo cáo);", "- Thôn Đắk Năng;", "- Lưu: VT, CAX."] {
        body.push_str(&p("Small", r));
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:font-face-decls><style:font-face style:name="Liberation Serif" svg:font-family="'Liberation Serif'" style:font-family-generic="roman"/></office:font-face-decls>
<office:styles>
<style:default-style style:family="paragraph"><style:text-properties style:font-name="Liberation Serif" fo:font-size="14pt" fo:language="vi" fo:country="VN"/></style:default-style>
</office:styles>
<office:automatic-styles>
<style:page-layout style:name="A4"><style:page-layout-properties fo:page-width="210mm" fo:page-height="297mm" fo:margin-top="20mm" fo:margin-bottom="20mm" fo:margin-left="30mm" fo:margin-right="15mm"/></style:page-layout>
<style:style style:name="Wide" style:family="table"><style:table-properties style:width="165mm" table:align="left"/></style:style>
<style:style style:name="Body" style:family="paragraph"><style:paragraph-properties fo:text-align="justify" fo:text-indent="10mm" fo:margin-bottom="6pt"/></style:style>
<style:style style:name="C13" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="13pt"/></style:style>
<style:style style:name="C13B" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="13pt" fo:font-weight="bold"/></style:style>
<style:style style:name="C14" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/></style:style>
<style:style style:name="C14B" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="Recv" style:family="paragraph"><style:text-properties fo:font-size="12pt" fo:font-weight="bold" fo:font-style="italic"/></style:style>
<style:style style:name="Small" style:family="paragraph"><style:text-properties fo:font-size="11pt"/></style:style>
</office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="A4"/></office:master-styles>
<office:body><office:text>
{body}</office:text></office:body></office:document>
"#
    )
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn pages(pdf: &Path) -> String {
    Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.lines().find(|l| l.starts_with("Pages:")).map(|l| l[6..].trim().to_owned()))
        .unwrap_or_else(|| "?".into())
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let ours_path = dir.path().join("bien-ban.pdf");
    let agency = Agency::police("Gia Lai", "Xã Ia Đal");
    let issue = Issue { number: Some("05/BB-CAX".into()), date: None };
    let doc = minutes().document(&agency, &issue);
    // Warm the shared fonts once, as a running app has them.
    phongtrao::print::render(&doc).unwrap();
    let runs = 50;
    let mut ours = Vec::new();
    let mut render_only = Vec::new();
    let mut size = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let pdf = phongtrao::print::render(&doc).unwrap();
        render_only.push(t.elapsed());
        phongtrao::fsutil::write_atomic(&ours_path, &pdf).unwrap();
        ours.push(t.elapsed());
        size = pdf.len();
    }
    let ours = median(ours);
    let render_only = median(render_only);
    println!(
        "ours: median {:.1} ms over {runs} runs, {} bytes, {} pages",
        ours.as_secs_f64() * 1e3,
        size,
        pages(&ours_path)
    );

    let fodt_path = dir.path().join("bien-ban.fodt");
    std::fs::write(&fodt_path, fodt()).unwrap();
    let soffice = ["soffice", "libreoffice"]
        .into_iter()
        .find(|b| Command::new(b).arg("--version").output().is_ok_and(|o| o.status.success()));
    let Some(soffice) = soffice else {
        println!("LibreOffice is not installed: run scripts/bench-print.sh (it installs libreoffice-writer-nogui).");
        return;
    };
    let profile = dir.path().join("lo-profile");
    let lo_runs = 5;
    let mut lo = Vec::new();
    let out = dir.path().join("lo");
    for i in 0..=lo_runs {
        let t = Instant::now();
        let status = Command::new(soffice)
            .arg(format!("-env:UserInstallation=file://{}", profile.display()))
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(&out)
            .arg(&fodt_path)
            .output()
            .unwrap();
        assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
        // The first run creates LibreOffice's profile: not counted.
        if i > 0 {
            lo.push(t.elapsed());
        }
    }
    let lo_pdf = out.join("bien-ban.pdf");
    let lo_size = std::fs::metadata(&lo_pdf).unwrap().len() as usize;
    let lo = median(lo);
    println!(
        "LibreOffice: median {:.0} ms over {lo_runs} runs, {} bytes, {} pages",
        lo.as_secs_f64() * 1e3,
        lo_size,
        pages(&lo_pdf)
    );
    println!();
    println!("| 3-page Biên bản to PDF | median time | size | pages |");
    println!("|---|---|---|---|");
    println!(
        "| phongtrao (`print::render` + atomic write) | {:.1} ms | {:.1} KB | {} |",
        ours.as_secs_f64() * 1e3,
        size as f64 / 1024.0,
        pages(&ours_path)
    );
    println!(
        "| LibreOffice {soffice} --headless --convert-to pdf (.fodt) | {:.0} ms | {:.1} KB | {} |",
        lo.as_secs_f64() * 1e3,
        lo_size as f64 / 1024.0,
        pages(&lo_pdf)
    );
    println!("| phongtrao, layout and PDF in memory only | {:.1} ms | | |", render_only.as_secs_f64() * 1e3);
    println!(
        "| ratio (with the fsynced write) | {:.0}× faster | {:.2}× the size |  |",
        lo.as_secs_f64() / ours.as_secs_f64(),
        size as f64 / lo_size as f64
    );
    println!("| ratio (in memory) | {:.0}× faster | | |", lo.as_secs_f64() / render_only.as_secs_f64());
}
