//! The command-line grammar, in Vietnamese. Clap's own English messages are replaced.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use phongtrao::domain::Kind;
use phongtrao::store::Setup;
use phongtrao::{NewAccount, Role};
use uuid::Uuid;

const TEMPLATE: &str = "{about-with-newline}\nCách dùng: {usage}\n\n{all-args}{after-help}";

#[derive(Debug, Parser)]
#[command(
    name = "phongtrao",
    version,
    about = "phongtrao: sổ theo dõi phong trào toàn dân bảo vệ an ninh Tổ quốc của Công an xã.",
    help_template = TEMPLATE,
    subcommand_help_heading = "Lệnh",
    next_help_heading = "Tùy chọn",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    after_help = "Loại bản ghi (KIND): area (khu dân cư), unit (cơ quan, doanh nghiệp, cơ sở giáo dục), \
model (mô hình), review (sơ kết mô hình), team (tổ bảo vệ ANTT), member (thành viên tổ), \
activity (hoạt động), meeting (cuộc họp), commendation (khen thưởng), plan (kế hoạch, chỉ tiêu năm), \
key_area (địa bàn trọng điểm, phức tạp về ANTT), key_area_review (đánh giá địa bàn trọng điểm), \
cert (hồ sơ công nhận \"An toàn về ANTT\", chỉ xem; thay đổi qua phongtrao cert), inspection (cuộc kiểm tra), \
remedy (nhiệm vụ khắc phục), remedy_report (báo cáo kết quả khắc phục; đánh giá qua phongtrao inspection review).\n\
Ngày viết dd/mm/yyyy hoặc yyyy-mm-dd. Xem hướng dẫn từng lệnh: phongtrao LỆNH --help."
)]
pub struct Cli {
    /// Tệp dữ liệu (mặc định: thư mục dữ liệu của người dùng, hoặc biến PHONGTRAO_DB)
    #[arg(long, global = true, value_name = "TỆP", env = "PHONGTRAO_DB")]
    pub db: Option<PathBuf>,

    /// Tên đăng nhập (mặc định: tài khoản duy nhất của kho, hoặc biến PHONGTRAO_USER); mật khẩu hỏi
    /// khi chạy, hoặc lấy từ biến PHONGTRAO_PASSWORD
    #[arg(long, global = true, value_name = "TÊN", env = "PHONGTRAO_USER")]
    pub user: Option<String>,

    /// In hướng dẫn
    #[arg(short = 'h', long, action = clap::ArgAction::Help, global = true)]
    help: Option<bool>,

    /// In phiên bản
    #[arg(short = 'V', long, action = clap::ArgAction::Version)]
    version: Option<bool>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
#[command(help_template = TEMPLATE, next_help_heading = "Tùy chọn")]
pub enum Command {
    /// Khởi tạo kho dữ liệu cho một xã
    #[command(help_template = TEMPLATE)]
    Init(InitArgs),
    /// Tra danh mục tỉnh, thành phố và xã, phường, đặc khu từ 01/07/2025 (tìm không cần dấu)
    #[command(help_template = TEMPLATE)]
    Units {
        /// Tỉnh, thành phố (tên hoặc mã): liệt kê xã của tỉnh này; không ghi thì liệt kê tỉnh
        #[arg(long, value_name = "TỈNH")]
        province: Option<String>,
        /// Chữ cần tìm trong tên (ví dụ: "ia dal"), hoặc đầu mã
        #[arg(value_name = "CHỮ")]
        search: Option<String>,
    },
    /// Tạo xã mẫu (dữ liệu mẫu, cố định theo hạt giống)
    #[command(help_template = TEMPLATE)]
    Demo {
        /// Hạt giống: cùng hạt giống cho cùng dữ liệu
        #[arg(long, default_value_t = 1, value_name = "SỐ")]
        seed: u64,
        /// Nhân quy mô dữ liệu lên N lần (để đo hiệu năng)
        #[arg(long, default_value_t = 1, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
        scale: u32,
    },
    /// Thêm bản ghi; in mã của bản ghi mới
    #[command(help_template = TEMPLATE)]
    Add {
        /// Loại bản ghi: area, unit, model, review, team, member, activity, meeting, commendation
        #[arg(value_parser = parse_kind, value_name = "KIND")]
        kind: Kind,
        /// Các trường dạng JSON, @TỆP để đọc từ tệp, hoặc - để đọc từ đầu vào chuẩn
        #[arg(long, value_name = "JSON")]
        json: String,
    },
    /// Sửa một phần bản ghi (chỉ các trường được nêu; null để xóa giá trị)
    #[command(help_template = TEMPLATE)]
    Edit {
        /// Loại bản ghi: area, unit, model, review, team, member, activity, meeting, commendation
        #[arg(value_parser = parse_kind, value_name = "KIND")]
        kind: Kind,
        /// Mã bản ghi
        #[arg(value_parser = parse_id, value_name = "MÃ")]
        id: Uuid,
        /// Các trường cần sửa dạng JSON, @TỆP hoặc -
        #[arg(long, value_name = "JSON")]
        json: String,
    },
    /// Xem một bản ghi
    #[command(help_template = TEMPLATE)]
    Show {
        /// Loại bản ghi: area, unit, model, review, team, member, activity, meeting, commendation
        #[arg(value_parser = parse_kind, value_name = "KIND")]
        kind: Kind,
        /// Mã bản ghi
        #[arg(value_parser = parse_id, value_name = "MÃ")]
        id: Uuid,
        /// In dạng JSON
        #[arg(long)]
        json: bool,
    },
    /// Liệt kê bản ghi theo thứ tự chữ cái tiếng Việt
    #[command(help_template = TEMPLATE)]
    List {
        /// Loại bản ghi: area, unit, model, review, team, member, activity, meeting, commendation
        #[arg(value_parser = parse_kind, value_name = "KIND")]
        kind: Kind,
        /// Tìm không phân biệt dấu, hoa thường (ví dụ: "dak nang")
        #[arg(long, value_name = "CHỮ")]
        search: Option<String>,
        /// Lọc: trường=giá trị, trường>=giá trị, trường<=giá trị (dùng nhiều lần được)
        #[arg(long, value_name = "ĐIỀU KIỆN")]
        filter: Vec<String>,
        /// Sắp xếp theo trường (thêm - phía trước để giảm dần; changed: theo lần sửa)
        #[arg(long, value_name = "TRƯỜNG", allow_hyphen_values = true)]
        sort: Option<String>,
        /// Số bản ghi tối đa
        #[arg(long, value_name = "N")]
        limit: Option<u32>,
        /// Bỏ qua N bản ghi đầu
        #[arg(long, default_value_t = 0, value_name = "N")]
        offset: u32,
        /// Kèm các bản ghi đã xóa
        #[arg(long)]
        deleted: bool,
        /// In dạng JSON
        #[arg(long)]
        json: bool,
    },
    /// Xóa bản ghi (vẫn để lại dấu xóa để đồng bộ)
    #[command(help_template = TEMPLATE)]
    Delete {
        /// Loại bản ghi: area, unit, model, review, team, member, activity, meeting, commendation
        #[arg(value_parser = parse_kind, value_name = "KIND")]
        kind: Kind,
        /// Mã bản ghi
        #[arg(value_parser = parse_id, value_name = "MÃ")]
        id: Uuid,
    },
    /// Tìm trong mọi sổ, không phân biệt dấu
    #[command(help_template = TEMPLATE)]
    Search {
        #[arg(value_name = "CHỮ")]
        text: String,
        /// Chỉ tìm trong một loại bản ghi
        #[arg(long, value_parser = parse_kind, value_name = "KIND")]
        kind: Option<Kind>,
        /// Số kết quả tối đa
        #[arg(long, default_value_t = 50, value_name = "N")]
        limit: u32,
        /// In dạng JSON
        #[arg(long)]
        json: bool,
    },
    /// Vòng đời mô hình: sơ kết, nhân rộng, giải thể
    #[command(subcommand, help_template = TEMPLATE, subcommand_help_heading = "Lệnh")]
    Model(ModelCmd),
    /// Xét công nhận "An toàn về an ninh, trật tự" hằng năm (Thông tư 124/2021/TT-BCA)
    #[command(subcommand, help_template = TEMPLATE, subcommand_help_heading = "Lệnh")]
    Cert(CertCmd),
    /// Kiểm tra, khắc phục: cuộc kiểm tra, nhiệm vụ khắc phục, báo cáo kết quả và đánh giá
    #[command(subcommand, help_template = TEMPLATE, subcommand_help_heading = "Lệnh")]
    Inspection(InspectionCmd),
    /// Kế hoạch, chỉ tiêu năm: lập kế hoạch từ chỉ tiêu tỉnh giao, xem tiến độ tính từ sổ sách
    #[command(subcommand, help_template = TEMPLATE, subcommand_help_heading = "Lệnh")]
    Plan(PlanCmd),
    /// Địa bàn trọng điểm, phức tạp về ANTT: tổng hợp, đánh giá định kỳ, quyền xem của tài khoản chỉ xem
    #[command(name = "key-area", subcommand, help_template = TEMPLATE, subcommand_help_heading = "Lệnh")]
    KeyArea(KeyAreaCmd),
    /// Nhật ký kiểm tra
    #[command(subcommand, help_template = TEMPLATE, subcommand_help_heading = "Lệnh")]
    Audit(AuditCmd),
    /// Liệt kê các trường của một loại bản ghi
    #[command(help_template = TEMPLATE)]
    Fields {
        /// Loại bản ghi: area, unit, model, review, team, member, activity, meeting, commendation
        #[arg(value_parser = parse_kind, value_name = "KIND")]
        kind: Kind,
        /// Loại hoạt động (các trường riêng của loại đó)
        #[arg(long, value_name = "MÃ")]
        category: Option<String>,
    },
    /// Danh mục dùng chung (loại mô hình, loại hoạt động, tiêu chí…)
    #[command(name = "ref", help_template = TEMPLATE)]
    Reference {
        /// Tên danh mục; bỏ trống để xem các danh mục
        #[arg(value_name = "DANH MỤC")]
        list: Option<String>,
    },
    /// Tài khoản cán bộ: xem, tạo, đổi quyền, đổi mật khẩu, xóa
    #[command(subcommand, help_template = TEMPLATE)]
    Account(AccountCmd),
    /// Sao lưu và khôi phục kho dữ liệu
    #[command(subcommand, help_template = TEMPLATE)]
    Backup(BackupCmd),
    /// In biểu mẫu ra tệp PDF theo thể thức Nghị định 30/2020/NĐ-CP (xem các mẫu: print --list)
    #[command(help_template = TEMPLATE)]
    Print(PrintArgs),
    /// Thông tin xã và số bản ghi
    #[command(help_template = TEMPLATE)]
    Info,
    /// Số liệu của xã theo kỳ báo cáo (cùng dạng số liệu Công an tỉnh tổng hợp)
    #[command(help_template = TEMPLATE)]
    Figures {
        /// Kỳ báo cáo: 2026 (năm), 2026-11 (tháng), 2026-Q3 (quý), 2026-H1 (6 tháng)
        #[arg(long, value_name = "KỲ")]
        period: String,
        /// In dạng JSON
        #[arg(long)]
        json: bool,
    },
    /// Quyết định của Công an tỉnh về các kỳ báo cáo của xã: kỳ đã duyệt (đã khóa), kỳ bị trả lại và việc cần sửa
    #[command(help_template = TEMPLATE)]
    Review {
        /// Đánh dấu đã xử lý một lý do trả lại (SỐ_QUYẾT_ĐỊNH.SỐ_LÝ_DO, xem danh sách)
        #[arg(long, value_name = "MÃ")]
        done: Option<String>,
        /// In dạng JSON
        #[arg(long)]
        json: bool,
    },
    /// Nhập danh sách từ Excel (.xlsx, .ods, .csv) vào một sổ; mặc định: lưu tất cả hoặc không lưu gì
    #[command(help_template = TEMPLATE)]
    Import {
        /// Sổ nhận dữ liệu: area, unit, model, review, team, member, activity, meeting, commendation
        #[arg(value_parser = parse_kind, value_name = "KIND")]
        kind: Kind,
        /// Tệp bảng tính
        #[arg(value_name = "TỆP")]
        file: PathBuf,
        /// Chỉ xem trước: kiểm tra từng dòng, không lưu gì
        #[arg(long)]
        dry_run: bool,
        /// Chỉ lưu các dòng đúng, bỏ qua dòng lỗi
        #[arg(long, conflicts_with = "dry_run")]
        good_rows: bool,
        /// Trang tính cần đọc (mặc định: trang đầu)
        #[arg(long, value_name = "TÊN")]
        sheet: Option<String>,
        /// Ghép cột: "Tiêu đề cột=mã trường" (để trống mã trường để bỏ qua cột); dùng nhiều lần được
        #[arg(long = "map", value_name = "CỘT=TRƯỜNG")]
        mapping: Vec<String>,
        /// In kết quả dạng JSON
        #[arg(long)]
        json: bool,
    },
    /// Xuất danh sách một sổ (hoặc mọi sổ: all) ra tệp Excel .xlsx, theo tìm kiếm, lọc, sắp xếp như danh sách;
    /// hoặc các bảng số liệu: dashboard (tổng quan phong trào), report (số liệu báo cáo năm)
    #[command(help_template = TEMPLATE)]
    Export {
        /// Sổ cần xuất, all cho mọi sổ (mỗi sổ một trang tính), dashboard hoặc report
        #[arg(value_parser = parse_export_kind, value_name = "KIND")]
        kind: ExportKind,
        /// Năm của số liệu báo cáo (report) hoặc của tổng quan (dashboard); mặc định năm nay
        #[arg(long, value_name = "NĂM", value_parser = clap::value_parser!(i32).range(2000..=2100))]
        year: Option<i32>,
        /// Tìm không phân biệt dấu, hoa thường
        #[arg(long, value_name = "CHỮ")]
        search: Option<String>,
        /// Lọc: trường=giá trị, trường>=giá trị, trường<=giá trị (dùng nhiều lần được)
        #[arg(long, value_name = "ĐIỀU KIỆN")]
        filter: Vec<String>,
        /// Sắp xếp theo trường (thêm - phía trước để giảm dần)
        #[arg(long, value_name = "TRƯỜNG", allow_hyphen_values = true)]
        sort: Option<String>,
        /// Tệp .xlsx cần ghi
        #[arg(long, short = 'o', value_name = "TỆP")]
        out: PathBuf,
    },
    /// Tải mẫu Excel của một sổ: tiêu đề cột, danh sách chọn, trang hướng dẫn
    #[command(help_template = TEMPLATE)]
    Template {
        #[arg(value_parser = parse_kind, value_name = "KIND")]
        kind: Kind,
        /// Tệp .xlsx cần ghi
        #[arg(long, short = 'o', value_name = "TỆP")]
        out: PathBuf,
    },
    /// In đường dẫn tệp dữ liệu (không cần đăng nhập)
    #[command(help_template = TEMPLATE)]
    Where,
    /// Khóa ký của máy này (gửi Công an tỉnh để đăng ký)
    #[command(subcommand, help_template = TEMPLATE)]
    Key(KeyCmd),
    /// Gói đồng bộ qua USB: xuất, nhập biên nhận và dữ liệu dùng chung, kiểm tra
    #[command(subcommand, help_template = TEMPLATE)]
    Bundle(BundleCmd),
    /// Nhiều máy của một xã: mời máy mới, nhận lời mời, trao đổi qua USB, xung đột
    #[command(subcommand, help_template = TEMPLATE)]
    Peer(PeerCmd),
    /// Ghi danh với Công an tỉnh: nhập gói ghi danh (khóa của tỉnh)
    #[command(help_template = TEMPLATE)]
    Enroll {
        /// Tệp gói ghi danh (.ptb) do Công an tỉnh cấp
        #[arg(value_name = "TỆP")]
        file: PathBuf,
    },
    /// Phía Công an tỉnh: khởi tạo, đăng ký khóa của xã, nhập gói, xem tình trạng
    #[command(help_template = TEMPLATE)]
    Province(ProvinceArgs),
}

#[derive(Debug, Subcommand)]
pub enum KeyCmd {
    /// Ghi khóa công khai của máy này ra tệp .pub (định dạng minisign)
    #[command(name = "export-pub", help_template = TEMPLATE)]
    ExportPub {
        /// Tệp khóa công khai sẽ ghi
        #[arg(long, value_name = "TỆP")]
        out: PathBuf,
    },
    /// In mã khóa và dấu vân tay để đọc đối chiếu
    #[command(help_template = TEMPLATE)]
    Show,
    /// Đổi khóa ký của máy (chỉ Trưởng Công an xã): tạo khóa mới, bỏ khóa cũ; sau đó in phiếu đăng ký khóa mới
    #[command(help_template = TEMPLATE)]
    Rotate,
}

#[derive(Debug, Subcommand)]
pub enum BundleCmd {
    /// Xuất gói đồng bộ (những thay đổi Công an tỉnh chưa xác nhận); in đường dẫn tệp
    #[command(help_template = TEMPLATE)]
    Export {
        /// Thư mục ghi gói (ví dụ: ổ USB)
        #[arg(long, value_name = "THƯ MỤC")]
        out: PathBuf,
        /// Xuất toàn bộ dữ liệu thay vì chỉ phần thay đổi
        #[arg(long)]
        full: bool,
    },
    /// Nhập biên nhận, gói quyết định (duyệt, trả lại, mở lại kỳ báo cáo) hoặc gói dữ liệu dùng chung của Công an tỉnh
    #[command(help_template = TEMPLATE)]
    Import {
        #[arg(value_name = "TỆP")]
        file: PathBuf,
    },
    /// Kiểm tra một gói: ai tạo, chứa gì, còn nguyên vẹn không (không nhập)
    #[command(help_template = TEMPLATE)]
    Verify {
        #[arg(value_name = "TỆP")]
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum PeerCmd {
    /// Lập lời mời một máy mới của xã (chỉ Trưởng Công an xã); ghi tệp lời mời (.ptp) vào thư mục
    #[command(help_template = TEMPLATE)]
    Invite {
        /// Cán bộ dùng máy mới
        #[arg(long, value_name = "HỌ TÊN")]
        officer: String,
        /// Thư mục ghi lời mời (ví dụ: ổ USB)
        #[arg(long, value_name = "THƯ MỤC")]
        out: PathBuf,
        /// Tài khoản khác của máy này chép sang máy mới (nhắc lại cho mỗi tài khoản); không chép mật khẩu:
        /// Trưởng Công an xã đặt mật khẩu lần đầu ở máy mới
        #[arg(long = "account", value_name = "TÊN")]
        accounts: Vec<String>,
    },
    /// Tạo kho dữ liệu của máy mới từ lời mời (--db: tệp dữ liệu mới); mật khẩu của Trưởng Công an xã gõ ở máy này
    #[command(help_template = TEMPLATE)]
    Join {
        /// Tệp lời mời (.ptp)
        #[arg(value_name = "TỆP")]
        file: PathBuf,
    },
    /// Trao đổi với máy khác: nhập mọi gói của máy khác trong thư mục, rồi ghi gói của máy này vào đó
    #[command(help_template = TEMPLATE)]
    Exchange {
        /// Thư mục trao đổi (ví dụ: ổ USB)
        #[arg(value_name = "THƯ MỤC")]
        dir: PathBuf,
    },
    /// Các máy của xã mà máy này biết, và máy cấp số văn bản
    #[command(help_template = TEMPLATE)]
    List,
    /// Loại một máy của xã bị mất hoặc bị lấy cắp khỏi danh sách máy (chỉ Trưởng Công an xã)
    #[command(help_template = TEMPLATE)]
    Remove {
        /// Máy cần loại: họ tên cán bộ dùng máy hoặc mã máy (8 chữ số cuối, xem phongtrao peer list)
        #[arg(long, value_name = "MÁY")]
        laptop: String,
    },
    /// Chuyển việc cấp số văn bản sang máy khác của xã (chỉ Trưởng Công an xã, ở máy đang cấp số)
    #[command(help_template = TEMPLATE)]
    Numbering {
        /// Máy nhận việc cấp số: họ tên cán bộ dùng máy hoặc mã máy (8 chữ số cuối, xem phongtrao peer list)
        #[arg(long, value_name = "MÁY")]
        to: String,
    },
    /// Các bản ghi có xung đột giữa các máy, từng trường
    #[command(help_template = TEMPLATE)]
    Conflicts {
        /// In dạng JSON
        #[arg(long)]
        json: bool,
    },
    /// Giải quyết một xung đột: giữ một phiên bản (--keep N), hoặc ghép (--keep N --take TRƯỜNG=M ...)
    #[command(help_template = TEMPLATE)]
    Resolve {
        #[arg(value_name = "ID")]
        id: Uuid,
        /// Phiên bản giữ lại (số thứ tự như lệnh conflicts in ra)
        #[arg(long, value_name = "N")]
        keep: u32,
        /// Lấy giá trị một trường từ phiên bản khác: TRƯỜNG=M
        #[arg(long, value_name = "TRƯỜNG=M")]
        take: Vec<String>,
    },
}

#[derive(Debug, Args)]
pub struct ProvinceArgs {
    /// Thư mục dữ liệu của Công an tỉnh
    #[arg(long, global = true, value_name = "THƯ MỤC")]
    pub dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: ProvinceCmd,
}

#[derive(Debug, Subcommand)]
pub enum ProvinceCmd {
    /// Tạo kho dữ liệu và khóa của Công an tỉnh; in đường dẫn gói ghi danh cho các xã
    #[command(help_template = TEMPLATE)]
    Init {
        /// Mã tỉnh (2 chữ số)
        #[arg(long, value_name = "MÃ")]
        province_code: String,
        /// Tên tỉnh, thành phố
        #[arg(long, value_name = "TÊN")]
        province: String,
    },
    /// Đăng ký khóa công khai của máy một xã (sau khi đối chiếu phiếu đăng ký khóa)
    #[command(help_template = TEMPLATE)]
    Register {
        /// Mã xã (5 chữ số)
        #[arg(long, value_name = "MÃ")]
        commune_code: String,
        /// Tệp khóa công khai .pub của máy xã
        #[arg(long, value_name = "TỆP")]
        pubkey: PathBuf,
    },
    /// Thu hồi khóa của máy một xã: từ nay gói ký bằng khóa đó bị từ chối
    #[command(help_template = TEMPLATE)]
    Revoke {
        /// Mã khóa (16 ký tự, xem phongtrao province status)
        #[arg(long, value_name = "MÃ KHÓA")]
        key_id: String,
    },
    /// Nhập các gói dữ liệu của xã (tệp .ptb hoặc thư mục chứa chúng, ví dụ ổ USB), mỗi gói một lần ghi;
    /// ghi biên nhận cho từng xã vào thư mục bien-nhan/MÃ_XÃ bên cạnh gói
    #[command(help_template = TEMPLATE)]
    Import {
        #[arg(value_name = "TỆP HOẶC THƯ MỤC", required = true)]
        paths: Vec<PathBuf>,
        /// Chỉ kiểm tra và tóm tắt, không nhập gì
        #[arg(long)]
        dry_run: bool,
        /// Thư mục gốc ghi biên nhận (mặc định: thư mục của gói)
        #[arg(long, value_name = "THƯ MỤC")]
        receipt_out: Option<PathBuf>,
        /// In dạng JSON
        #[arg(long)]
        json: bool,
    },
    /// Tạo tỉnh mẫu: các xã mẫu đã ghi danh và gửi gói nhiều tháng (có xã gửi muộn, thiếu gói, bị thu hồi khóa, có bản ghi bị cách ly)
    #[command(help_template = TEMPLATE)]
    Demo {
        /// Số xã
        #[arg(long, default_value_t = 30, value_name = "N")]
        communes: usize,
        /// Hạt giống: cùng hạt giống cho cùng dữ liệu
        #[arg(long, default_value_t = 1, value_name = "SỐ")]
        seed: u64,
        /// Số tháng đã gửi gói
        #[arg(long, default_value_t = 6, value_name = "N")]
        months: u32,
        /// Mã tỉnh trong danh mục (các xã mẫu là các xã, phường, đặc khu của tỉnh đó)
        #[arg(long, default_value = "51", value_name = "MÃ TỈNH")]
        province: String,
    },
    /// Các xã theo kỳ báo cáo: số kỳ phải gửi, đã nhận, đúng hạn; gói cuối, gói thiếu, khóa bị thu hồi
    #[command(help_template = TEMPLATE)]
    Roster {
        /// Kỳ báo cáo: 2026 (năm), 2026-11 (tháng), 2026-Q3 (quý), 2026-H1 (6 tháng); mặc định: năm nay
        #[arg(long, value_name = "KỲ")]
        period: Option<String>,
        /// Các xã tìm và sắp xếp như trong cửa sổ (cột: code, name, expected, received, on_time, quarantined)
        #[command(flatten)]
        communes: CommunesOrder,
        /// In dạng JSON
        #[arg(long)]
        json: bool,
    },
    /// Số liệu toàn tỉnh theo kỳ báo cáo: tổng và từng xã
    #[command(help_template = TEMPLATE)]
    Figures {
        /// Kỳ báo cáo: 2026, 2026-11, 2026-Q3, 2026-H1
        #[arg(long, value_name = "KỲ")]
        period: String,
        /// Chỉ một xã (in cùng dạng với lệnh phongtrao figures ở xã)
        #[arg(long, value_name = "MÃ XÃ")]
        commune: Option<String>,
        /// Với --commune: các bản ghi của xã đứng sau một số liệu (mã cột: members, teams, ind:tin_bao, model:…, antt:…)
        #[arg(long, value_name = "MÃ CỘT", requires = "commune")]
        records: Option<String>,
        /// Tìm không phân biệt dấu, hoa thường: các xã theo tên hoặc mã (ví dụ: "ba dinh"); với --records: các bản ghi (ví dụ: "nguyen van")
        #[arg(long, value_name = "CHỮ")]
        search: Option<String>,
        /// Với --records: lọc như danh sách ở xã: trường=giá trị, trường>=giá trị, trường<=giá trị (dùng nhiều lần được)
        #[arg(long, value_name = "ĐIỀU KIỆN", requires = "records")]
        filter: Vec<String>,
        /// Sắp xếp các xã theo một cột: code (mã xã), name (tên xã) hoặc mã cột (ví dụ members); với --records: các bản ghi như danh sách ở xã (ví dụ date, households; title: theo tên)
        #[arg(long, value_name = "CỘT", allow_hyphen_values = true)]
        sort: Option<String>,
        /// Với --sort: giảm dần
        #[arg(long, requires = "sort")]
        desc: bool,
        /// Với --records: số bản ghi tối đa (một trang, như danh sách ở xã: 1 đến 500)
        #[arg(long, value_name = "N", requires = "records")]
        limit: Option<u32>,
        /// Với --records: bỏ qua N bản ghi đầu
        #[arg(long, default_value_t = 0, value_name = "N", requires = "records")]
        offset: u32,
        /// In dạng JSON
        #[arg(long)]
        json: bool,
    },
    /// Kiểm tra xã: nhiệm vụ khắc phục của các xã và tình trạng (đang thực hiện, quá hạn, đã hoàn thành);
    /// lập cuộc kiểm tra (add), xem (show), đánh giá báo cáo khắc phục của xã (review)
    #[command(help_template = TEMPLATE)]
    Inspections {
        #[command(subcommand)]
        command: Option<ProvinceInspectionCmd>,
        /// Chỉ một xã
        #[arg(long, value_name = "MÃ XÃ")]
        commune: Option<String>,
        /// Chỉ các nhiệm vụ ở tình trạng này: open, overdue, done
        #[arg(long, value_parser = parse_status, value_name = "TÌNH TRẠNG")]
        status: Option<phongtrao::domain::inspection::TaskStatus>,
        /// Bảng nhiệm vụ theo xã như trong cửa sổ (số đang thực hiện, quá hạn, đã hoàn thành, chờ đánh giá)
        #[arg(long, conflicts_with_all = ["commune", "status"])]
        communes: bool,
        /// Với --communes: tìm và sắp xếp các xã (cột: code, name, open, overdue, done, waiting)
        #[command(flatten)]
        order: CommunesOrder,
        /// In dạng JSON
        #[arg(long)]
        json: bool,
    },
    /// Sao lưu kho dữ liệu của Công an tỉnh (mặc định vào thư mục sao-luu trong --dir), liệt kê, kiểm tra, khôi phục
    #[command(help_template = TEMPLATE)]
    Backup {
        #[command(subcommand)]
        command: BackupCmd,
    },
    /// Bản ghi bị cách ly khi nhập gói: xem, hoặc quyết định (decide)
    #[command(help_template = TEMPLATE)]
    Quarantine {
        #[command(subcommand)]
        command: Option<QuarantineCmd>,
        /// Chỉ bản ghi của các xã khớp từ tìm; sắp xếp theo code hoặc name (mặc định: chờ quyết định trước, mới nhất trước)
        #[command(flatten)]
        communes: CommunesOrder,
        /// In dạng JSON
        #[arg(long)]
        json: bool,
    },
    /// Duyệt số liệu của xã theo kỳ: xem tình trạng các kỳ, duyệt, trả lại, mở lại, gửi gói quyết định, xử lý sửa sau khi duyệt
    #[command(help_template = TEMPLATE)]
    Review {
        #[command(subcommand)]
        command: Option<ReviewCmd>,
        /// Kỳ báo cáo để xem: 2026 (năm), 2026-11, 2026-Q3, 2026-H1; mặc định: năm nay
        #[arg(long, value_name = "KỲ")]
        period: Option<String>,
        /// Chỉ các kỳ ở tình trạng: not_sent (Chưa gửi), sent (Đã gửi), approved (Đã duyệt), returned (Bị trả lại), corrected (Đã sửa)
        #[arg(long, value_name = "TÌNH TRẠNG")]
        state: Option<String>,
        #[command(flatten)]
        communes: CommunesOrder,
        /// In dạng JSON
        #[arg(long)]
        json: bool,
    },
    /// Xuất một bảng ra tệp bảng tính .xlsx: roster (các xã theo kỳ), late (danh sách gửi muộn), figures (số liệu;
    /// với --column: các xã đứng sau một số liệu; thêm --commune: các bản ghi của xã đó), quarantine (bản ghi bị cách ly)
    #[command(help_template = TEMPLATE)]
    Export {
        /// Bảng: roster, late, figures hoặc quarantine
        #[arg(value_name = "BẢNG", value_parser = ["roster", "late", "figures", "quarantine"])]
        table: String,
        /// Kỳ báo cáo: 2026, 2026-11, 2026-Q3, 2026-H1 (bảng figures phải có; các bảng khác mặc định năm nay)
        #[arg(long, value_name = "KỲ")]
        period: Option<String>,
        /// Bảng figures: chỉ một số liệu (mã cột: members, teams, ind:tin_bao, model:…, antt:…), theo từng xã
        #[arg(long, value_name = "MÃ CỘT")]
        column: Option<String>,
        /// Bảng figures với --column: các bản ghi của một xã đứng sau số liệu đó
        #[arg(long, value_name = "MÃ XÃ", requires = "column")]
        commune: Option<String>,
        /// Bảng figures: chỉ các xã khớp từ tìm theo tên hoặc mã; với --commune: các bản ghi khớp (không phân biệt dấu, hoa thường)
        #[arg(long, value_name = "CHỮ")]
        search: Option<String>,
        /// Bảng figures với --commune: chỉ các bản ghi qua bộ lọc: trường=giá trị, trường>=giá trị, trường<=giá trị
        #[arg(long, value_name = "ĐIỀU KIỆN", requires = "commune")]
        filter: Vec<String>,
        /// Bảng figures: sắp xếp các xã theo code, name hoặc mã cột; với --commune: các bản ghi theo một cột (thêm - phía trước để giảm dần)
        #[arg(long, value_name = "CỘT", allow_hyphen_values = true)]
        sort: Option<String>,
        /// Tệp .xlsx sẽ ghi
        #[arg(long, value_name = "TỆP")]
        out: PathBuf,
    },
    /// In ra tệp PDF (thể thức Nghị định 30/2020/NĐ-CP): báo cáo tổng hợp của tỉnh, danh sách gửi muộn,
    /// danh sách bản ghi bị cách ly
    #[command(help_template = TEMPLATE)]
    Print {
        /// Mẫu: bao-cao-tong-hop, danh-sach-gui-muon hoặc danh-sach-cach-ly
        #[arg(value_name = "MẪU", value_parser = ["bao-cao-tong-hop", "danh-sach-gui-muon", "danh-sach-cach-ly"])]
        form: String,
        /// Kỳ báo cáo: 2026, 2026-11, 2026-Q3, 2026-H1 (báo cáo tổng hợp phải có; danh sách gửi muộn mặc định năm nay)
        #[arg(long, value_name = "KỲ")]
        period: Option<String>,
        /// Báo cáo tổng hợp: cấp số mới (mặc định: in lại báo cáo cùng kỳ thì giữ số và ngày đã cấp)
        #[arg(long)]
        new: bool,
        /// Báo cáo tổng hợp: chỉ xem trước, không lấy số
        #[arg(long, conflicts_with = "new")]
        preview: bool,
        /// Tệp PDF sẽ ghi
        #[arg(short = 'o', long = "out", value_name = "TỆP")]
        out: PathBuf,
    },
    /// Xem hoặc đặt kỳ báo cáo: tần suất, ngày chốt số liệu, số ngày gia hạn
    #[command(help_template = TEMPLATE)]
    Periods {
        /// Tần suất: month (hằng tháng), quarter (hằng quý), half (6 tháng), year (hằng năm)
        #[arg(long, value_name = "TẦN SUẤT")]
        frequency: Option<String>,
        /// Ngày chốt số liệu trong tháng (1 đến 31; 31: hết tháng)
        #[arg(long, value_name = "NGÀY")]
        end_day: Option<u32>,
        /// Số ngày gia hạn sau ngày chốt
        #[arg(long, value_name = "SỐ NGÀY")]
        grace: Option<u32>,
        /// In dạng JSON
        #[arg(long)]
        json: bool,
    },
    /// Chỉ tiêu năm giao cho các xã (gửi xuống trong gói dữ liệu dùng chung) và tiến độ của từng xã
    #[command(help_template = TEMPLATE)]
    Targets {
        #[arg(long, value_name = "NĂM")]
        year: i32,
        /// Giao chỉ tiêu: {"tuyen_truyen_buoi": 24, "antt_cong_nhan": 80} (mã chỉ tiêu: phongtrao ref report_indicator)
        #[arg(long, value_name = "JSON")]
        set: Option<String>,
        /// Mã xã nhận chỉ tiêu; bỏ trống: giao chung cho mọi xã
        #[arg(long, value_name = "MÃ XÃ")]
        commune: Option<String>,
        /// Tính tiến độ đến ngày (mặc định hôm nay)
        #[arg(long, value_name = "NGÀY")]
        today: Option<String>,
        /// Các xã tìm và sắp xếp như trong cửa sổ (cột: code, name, source: theo, behind: số chỉ tiêu chậm, targets: số chỉ tiêu)
        #[command(flatten)]
        communes: CommunesOrder,
        /// In dạng JSON
        #[arg(long)]
        json: bool,
    },
    /// Địa bàn trọng điểm, phức tạp về ANTT của các xã: theo kết quả chuyển hóa, quá thời hạn
    #[command(name = "key-areas", help_template = TEMPLATE)]
    KeyAreas {
        /// Tính đến ngày (mặc định hôm nay)
        #[arg(long, value_name = "NGÀY")]
        today: Option<String>,
        /// Các xã tìm và sắp xếp như trong cửa sổ (cột: code, name, areas: số địa bàn, overdue: số quá thời hạn)
        #[command(flatten)]
        communes: CommunesOrder,
        /// In dạng JSON
        #[arg(long)]
        json: bool,
    },
    /// Tình trạng các xã đã đăng ký: gói cuối, lần nhập cuối, gói thiếu, bản ghi bị cách ly
    #[command(help_template = TEMPLATE)]
    Status,
    /// Ghi lại biên nhận của một gói đã nhập (khi lần nhập chưa ghi được biên nhận, hoặc xã làm mất)
    #[command(help_template = TEMPLATE)]
    Receipt {
        /// Mã xã (5 chữ số)
        #[arg(long, value_name = "MÃ")]
        commune: String,
        /// Số của gói đã nhập
        #[arg(long, value_name = "SỐ")]
        seq: i64,
        /// Kỳ đồng bộ của gói (khi xã đã khôi phục từ bản sao lưu và có hai gói cùng số)
        #[arg(long, value_name = "KỲ")]
        epoch: Option<i64>,
        /// Thư mục ghi biên nhận (mặc định: receipts trong thư mục của tỉnh)
        #[arg(long, value_name = "THƯ MỤC")]
        out: Option<PathBuf>,
    },
    /// Lấy lại những gì tỉnh đã gửi các xã (quyết định, kiểm tra, danh mục, số thứ tự gói) từ các gói
    /// tỉnh đã ký: sau khi khôi phục mà không mở được kho dữ liệu bị thay
    #[command(help_template = TEMPLATE)]
    Recover {
        /// Tệp .ptb hoặc thư mục (thư mục quyet-dinh của tỉnh, USB của xã với bien-nhan/)
        #[arg(required = true, value_name = "ĐƯỜNG DẪN")]
        paths: Vec<PathBuf>,
        /// In dạng JSON (như mục `recovered` của `province import --json`)
        #[arg(long)]
        json: bool,
    },
    /// Ghi khóa giải mã (age) của tỉnh ra tệp, để dùng với công cụ age chuẩn
    #[command(name = "export-identity", help_template = TEMPLATE)]
    ExportIdentity {
        #[arg(long, value_name = "TỆP")]
        out: PathBuf,
    },
    /// Ghi gói dữ liệu dùng chung (danh mục, danh sách khóa bị thu hồi) cho các xã
    #[command(name = "export-reference", help_template = TEMPLATE)]
    ExportReference {
        /// Thư mục ghi gói
        #[arg(long, value_name = "THƯ MỤC")]
        out: PathBuf,
        /// Tệp danh mục (JSON, cùng dạng assets/reference/reference.json); bỏ trống: chỉ gửi danh sách khóa bị thu hồi
        #[arg(long, value_name = "TỆP")]
        lists: Option<PathBuf>,
    },
    /// Ghi lại gói ghi danh vào một thư mục
    #[command(name = "export-enrollment", help_template = TEMPLATE)]
    ExportEnrollment {
        #[arg(long, value_name = "THƯ MỤC")]
        out: PathBuf,
    },
}

/// A table of communes searched and sorted as the window's: `--search`, `--sort`, `--desc`.
#[derive(Debug, Args)]
pub struct CommunesOrder {
    /// Chỉ các xã khớp từ tìm theo tên hoặc mã, không phân biệt dấu, hoa thường (ví dụ: "ba dinh")
    #[arg(long, value_name = "CHỮ")]
    pub search: Option<String>,
    /// Sắp xếp theo một cột: code (mã xã, mặc định), name (tên xã) hoặc mã cột của bảng
    #[arg(long, value_name = "CỘT", allow_hyphen_values = true)]
    pub sort: Option<String>,
    /// Với --sort: giảm dần
    #[arg(long, requires = "sort")]
    pub desc: bool,
}

impl CommunesOrder {
    /// As the window asks: `-key` downwards.
    pub fn args(self) -> phongtrao::present::province::CommunesArgs {
        let sort = self.sort.map(|s| if self.desc && !s.starts_with('-') { format!("-{s}") } else { s });
        phongtrao::present::province::CommunesArgs { search: self.search, sort }
    }
}

#[derive(Debug, Subcommand)]
pub enum ReviewCmd {
    /// Duyệt số liệu một kỳ của xã: kỳ bị khóa ở cả tỉnh và xã; ghi gói quyết định cho xã
    #[command(help_template = TEMPLATE)]
    Approve {
        #[command(flatten)]
        target: ReviewTarget,
        /// Ghi chú (không bắt buộc)
        #[arg(long, value_name = "GHI CHÚ", default_value = "")]
        note: String,
    },
    /// Trả lại một kỳ của xã để sửa, với lý do chung và/hoặc lý do theo từng bản ghi
    #[command(name = "return", help_template = TEMPLATE)]
    Return {
        #[command(flatten)]
        target: ReviewTarget,
        /// Lý do trả lại chung
        #[arg(long, value_name = "LÝ DO", default_value = "")]
        reason: String,
        /// Lý do cho một bản ghi: MÃ_BẢN_GHI=LÝ DO (lặp lại cho nhiều bản ghi)
        #[arg(long = "record", value_name = "MÃ=LÝ DO")]
        records: Vec<String>,
    },
    /// Mở lại một kỳ đã duyệt (chỉ Trưởng Công an tỉnh), có lý do
    #[command(help_template = TEMPLATE)]
    Reopen {
        #[command(flatten)]
        target: ReviewTarget,
        /// Lý do mở lại
        #[arg(long, value_name = "LÝ DO")]
        reason: String,
    },
    /// Các xã có quyết định hay cuộc kiểm tra của tỉnh để gửi (gói quyết định của từng xã), tìm theo tên hoặc mã
    #[command(help_template = TEMPLATE)]
    Decided {
        #[command(flatten)]
        order: CommunesOrder,
        /// In dạng JSON
        #[arg(long)]
        json: bool,
    },
    /// Ghi gói quyết định cho các xã (mọi xã có quyết định, hoặc các xã nêu) vào một thư mục, ví dụ ổ USB
    #[command(help_template = TEMPLATE)]
    Send {
        /// Thư mục ghi gói
        #[arg(long, value_name = "THƯ MỤC")]
        out: PathBuf,
        /// Mã xã (lặp lại cho nhiều xã); bỏ trống: mọi xã có quyết định
        #[arg(long = "commune", value_name = "MÃ XÃ")]
        communes: Vec<String>,
    },
    /// Các thay đổi xã gửi cho kỳ đã duyệt ("sửa sau khi duyệt"), từng trường trước và sau
    #[command(help_template = TEMPLATE)]
    Changes,
    /// Quyết định về một thay đổi sau khi duyệt: chấp nhận (mở lại kỳ, chỉ Trưởng Công an tỉnh) hoặc từ chối; kèm ghi chú
    #[command(help_template = TEMPLATE)]
    Change {
        /// Mã thay đổi (12 ký tự, xem phongtrao province review changes)
        #[arg(value_name = "MÃ")]
        id: String,
        /// Chấp nhận: mở lại kỳ và đưa thay đổi vào số liệu
        #[arg(long, conflicts_with = "refuse", required_unless_present = "refuse")]
        accept: bool,
        /// Từ chối: giữ số liệu đã duyệt
        #[arg(long)]
        refuse: bool,
        /// Ghi chú lý do quyết định
        #[arg(long, value_name = "GHI CHÚ")]
        note: String,
    },
}

#[derive(Debug, Args)]
pub struct ReviewTarget {
    /// Mã xã (5 chữ số)
    #[arg(long, value_name = "MÃ XÃ")]
    pub commune: String,
    /// Kỳ báo cáo: 2026-11 (tháng), 2026-Q3 (quý), 2026-H1 (6 tháng), 2026 (năm), theo tần suất của tỉnh
    #[arg(long, value_name = "KỲ")]
    pub period: String,
    /// Thư mục ghi gói quyết định cho xã (mặc định: quyet-dinh trong thư mục của tỉnh)
    #[arg(long, value_name = "THƯ MỤC")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum QuarantineCmd {
    /// Quyết định về một bản ghi bị cách ly: chấp nhận sau khi xem xét, hoặc giữ từ chối; kèm ghi chú
    #[command(help_template = TEMPLATE)]
    Decide {
        /// Mã bản ghi bị cách ly (12 ký tự, xem phongtrao province quarantine)
        #[arg(value_name = "MÃ")]
        id: String,
        /// Chấp nhận bản ghi (đưa vào số liệu)
        #[arg(long, conflicts_with = "refuse", required_unless_present = "refuse")]
        accept: bool,
        /// Giữ từ chối
        #[arg(long)]
        refuse: bool,
        /// Ghi chú lý do quyết định
        #[arg(long, value_name = "GHI CHÚ")]
        note: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccountCmd {
    /// Liệt kê tài khoản
    #[command(help_template = TEMPLATE)]
    List,
    /// Tạo tài khoản (chỉ Trưởng Công an xã); mật khẩu hỏi khi chạy hoặc lấy từ PHONGTRAO_NEW_PASSWORD
    #[command(help_template = TEMPLATE)]
    Add {
        /// Tên đăng nhập (chữ không dấu, chữ số)
        #[arg(long, value_name = "TÊN")]
        username: String,
        /// Họ và tên
        #[arg(long, value_name = "HỌ TÊN")]
        name: String,
        /// Cấp bậc (ví dụ: Thượng úy)
        #[arg(long, value_name = "CẤP BẬC")]
        rank: Option<String>,
        /// Quyền: chief (Trưởng Công an xã), officer (cán bộ), viewer (chỉ xem)
        #[arg(long, value_parser = parse_role, value_name = "QUYỀN")]
        role: Role,
    },
    /// Đổi quyền của tài khoản (chỉ Trưởng Công an xã)
    #[command(help_template = TEMPLATE)]
    Role {
        #[arg(value_name = "TÊN")]
        username: String,
        /// chief, officer hoặc viewer
        #[arg(value_parser = parse_role, value_name = "QUYỀN")]
        role: Role,
    },
    /// Đổi mật khẩu (của mình, hoặc của người khác nếu là Trưởng Công an xã)
    #[command(help_template = TEMPLATE)]
    Passwd {
        #[arg(value_name = "TÊN")]
        username: Option<String>,
    },
    /// Xóa tài khoản (chỉ Trưởng Công an xã)
    #[command(help_template = TEMPLATE)]
    Remove {
        #[arg(value_name = "TÊN")]
        username: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum BackupCmd {
    /// Sao lưu ngay (mặc định vào thư mục sao-luu bên cạnh tệp dữ liệu, giữ 7 ngày gần nhất và mỗi tháng một bản)
    #[command(help_template = TEMPLATE)]
    Create {
        /// Thư mục nhận bản sao lưu, ví dụ USB (khi có, không xóa bản cũ nào ở đó)
        #[arg(long, value_name = "THƯ MỤC")]
        out: Option<PathBuf>,
    },
    /// Liệt kê các bản sao lưu tự động
    #[command(help_template = TEMPLATE)]
    List,
    /// Kiểm tra một bản sao lưu (mã kiểm tra, mật khẩu, tính toàn vẹn) mà không khôi phục
    #[command(help_template = TEMPLATE)]
    Verify {
        #[arg(value_name = "TỆP")]
        file: PathBuf,
    },
    /// Khôi phục kho dữ liệu từ một bản sao lưu (kho hiện tại được giữ lại bên cạnh)
    #[command(help_template = TEMPLATE)]
    Restore {
        #[arg(value_name = "TỆP")]
        file: PathBuf,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| format!("quyền «{s}» không có; chọn chief, officer hoặc viewer"))
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Cấp bậc của cán bộ (ví dụ: Thiếu tá)
    #[arg(long, value_name = "CẤP BẬC")]
    rank: Option<String>,
    /// Mã tỉnh (2 chữ số, theo danh mục từ 01/07/2025; không bắt buộc khi đã ghi tên)
    #[arg(long, value_name = "MÃ")]
    province_code: Option<String>,
    /// Tên tỉnh, thành phố (không cần dấu), hoặc mã của nó
    #[arg(long, value_name = "TÊN")]
    province: Option<String>,
    /// Mã xã (5 chữ số, theo danh mục; không bắt buộc khi đã ghi tên)
    #[arg(long, value_name = "MÃ")]
    commune_code: Option<String>,
    /// Tên xã, phường, đặc khu (không cần dấu), hoặc mã của nó; xem phongtrao units --province TỈNH
    #[arg(long, value_name = "TÊN")]
    commune: Option<String>,
    /// Họ tên cán bộ
    #[arg(long, value_name = "HỌ TÊN")]
    officer: String,
}

impl InitArgs {
    /// The commune's setup and its chief's account (username from the officer's name, no password yet).
    pub fn into_setup(self) -> (Setup, NewAccount) {
        let chief = NewAccount {
            username: phongtrao::domain::account::username_from(&self.officer),
            full_name: self.officer.clone(),
            rank: self.rank,
            role: Role::Chief,
            password: String::new(),
        };
        let setup = Setup {
            province_code: self.province_code.unwrap_or_default(),
            province: self.province.unwrap_or_default(),
            commune_code: self.commune_code.unwrap_or_default(),
            commune: self.commune.unwrap_or_default(),
            officer: self.officer,
        };
        (setup, chief)
    }
}

#[derive(Debug, Args)]
pub struct PrintArgs {
    /// Tên mẫu (cột đầu của print --list), ví dụ bien-ban-hop
    #[arg(value_name = "MẪU", required_unless_present_any = ["list", "issued", "reprint"])]
    pub form: Option<String>,
    /// Liệt kê các mẫu in: tên mẫu, rồi tên tiếng Việt
    #[arg(long, conflicts_with_all = ["form", "issued"])]
    pub list: bool,
    /// Xem sổ văn bản đã cấp số (mới nhất trước; cột cuối là mã văn bản để in lại bằng --reprint)
    #[arg(long, conflicts_with = "form")]
    pub issued: bool,
    /// In lại một văn bản trong sổ văn bản (mã ở cột cuối của print --issued), giữ nguyên số và ngày
    #[arg(long, value_parser = parse_id, value_name = "MÃ", conflicts_with_all = ["form", "list", "issued", "new", "preview", "blank"])]
    pub reprint: Option<Uuid>,
    /// Văn bản mới: cấp số tiếp theo dù bản ghi đã có văn bản đã cấp số (mặc định: in lại giữ số cũ)
    #[arg(long, conflicts_with_all = ["blank", "preview"])]
    pub new: bool,
    /// Chỉ xem trước: không lấy số, không ghi sổ văn bản (số in là số cũ của văn bản, hoặc ……)
    #[arg(long)]
    pub preview: bool,
    /// Mã bản ghi để điền mẫu (cuộc họp, hoạt động, tổ bảo vệ ANTT; khu dân cư, đơn vị của hồ sơ công nhận)
    #[arg(long, value_parser = parse_id, value_name = "MÃ")]
    pub id: Option<Uuid>,
    /// Năm của báo cáo kết quả, của hồ sơ công nhận (mặc định: năm của ngày ban hành)
    #[arg(long, value_name = "NĂM")]
    pub year: Option<i32>,
    /// Ngày ban hành in trên văn bản (mặc định: hôm nay), dd/mm/yyyy
    #[arg(long, value_name = "NGÀY")]
    pub date: Option<String>,
    /// Tệp khóa công khai minisign (.pub) cho mẫu dang-ky-khoa
    #[arg(long, value_name = "TỆP")]
    pub key_file: Option<PathBuf>,
    /// In mẫu trắng để viết tay (không lấy số, không cần bản ghi)
    #[arg(long)]
    pub blank: bool,
    /// Tệp PDF sẽ ghi
    #[arg(short = 'o', long, value_name = "TỆP.pdf", required_unless_present_any = ["list", "issued"])]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ModelCmd {
    /// Ghi một lần sơ kết, tổng kết mô hình
    #[command(help_template = TEMPLATE)]
    Review {
        /// Mã bản ghi
        #[arg(value_parser = parse_id, value_name = "MÃ")]
        id: Uuid,
        /// {"date": "…", "kind": "so_ket|tong_ket|danh_gia", "rating": "hieu_qua|chua_hieu_qua|khong_hieu_qua", "notes": "…"}
        #[arg(long, value_name = "JSON")]
        json: String,
    },
    /// Nhân rộng mô hình sang khu dân cư khác
    #[command(help_template = TEMPLATE)]
    Replicate {
        /// Mã bản ghi
        #[arg(value_parser = parse_id, value_name = "MÃ")]
        id: Uuid,
        /// Khu dân cư nhận mô hình
        #[arg(long, value_parser = parse_id, value_name = "MÃ")]
        area: Uuid,
        /// Trường của mô hình mới (tên, người phụ trách, ngày thành lập…)
        #[arg(long, value_name = "JSON")]
        json: Option<String>,
    },
    /// Giải thể mô hình (giữ lại, chỉ xem, cùng lịch sử)
    #[command(help_template = TEMPLATE)]
    Dissolve {
        /// Mã bản ghi
        #[arg(value_parser = parse_id, value_name = "MÃ")]
        id: Uuid,
        /// Ngày giải thể
        #[arg(long, value_name = "NGÀY")]
        date: String,
        /// Lý do giải thể
        #[arg(long, value_name = "LÝ DO")]
        reason: String,
    },
}

/// The unit of a `cert` command: an area's or unit's id, or `xa` for the commune itself.
#[derive(Debug, Clone, Copy)]
pub struct CertUnit(pub Option<Uuid>);

fn parse_cert_unit(s: &str) -> Result<CertUnit, String> {
    if phongtrao::text::fold(s) == "xa" {
        return Ok(CertUnit(None));
    }
    parse_id(s).map(|id| CertUnit(Some(id)))
}

#[derive(Debug, Subcommand)]
pub enum PlanCmd {
    /// Lập kế hoạch năm: bắt đầu từ chỉ tiêu Công an tỉnh giao, thêm các trường của --json (xem: fields plan)
    #[command(help_template = TEMPLATE)]
    New {
        #[arg(long, value_name = "NĂM")]
        year: i32,
        /// Các trường của kế hoạch (mục đích, số, ngày ban hành, chỉ tiêu target_…); @tệp hoặc - cũng được
        #[arg(long, value_name = "JSON", default_value = "{}")]
        json: String,
    },
    /// Tiến độ thực hiện chỉ tiêu năm, tính từ sổ sách (đã làm / chỉ tiêu, đúng hay chậm tiến độ)
    #[command(help_template = TEMPLATE)]
    Progress {
        #[arg(long, value_name = "NĂM")]
        year: i32,
        /// Tính đến ngày (mặc định hôm nay)
        #[arg(long, value_name = "NGÀY")]
        today: Option<String>,
        /// In dạng JSON
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeyAreaCmd {
    /// Các địa bàn trọng điểm theo kết quả, địa bàn quá thời hạn chuyển hóa, chưa đánh giá
    #[command(help_template = TEMPLATE)]
    Overview {
        /// Tính đến ngày (mặc định hôm nay)
        #[arg(long, value_name = "NGÀY")]
        today: Option<String>,
        /// In dạng JSON
        #[arg(long)]
        json: bool,
    },
    /// Ghi một lần đánh giá định kỳ địa bàn (các trường: fields key_area_review)
    #[command(help_template = TEMPLATE)]
    Assess {
        #[arg(value_parser = parse_id, value_name = "MÃ ĐỊA BÀN")]
        id: Uuid,
        #[arg(long, value_name = "JSON")]
        json: String,
    },
    /// Cho phép (hoặc không) tài khoản chỉ xem xem địa bàn trọng điểm (Trưởng Công an xã)
    #[command(help_template = TEMPLATE)]
    Viewers {
        /// Cho phép
        #[arg(long, conflicts_with = "deny")]
        allow: bool,
        /// Không cho phép
        #[arg(long)]
        deny: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CertCmd {
    /// Danh sách khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục và bước xét công nhận của năm
    #[command(help_template = TEMPLATE)]
    List {
        #[arg(long, value_name = "NĂM")]
        year: i32,
        /// In dạng JSON
        #[arg(long)]
        json: bool,
    },
    /// Tổng quan năm: bước, hạn nộp hồ sơ, cảnh báo trễ hạn / sắp đến hạn
    #[command(help_template = TEMPLATE)]
    Overview {
        #[arg(long, value_name = "NĂM")]
        year: i32,
        /// Tính cảnh báo theo ngày này (mặc định: hôm nay)
        #[arg(long, value_name = "NGÀY")]
        today: Option<String>,
        /// In dạng JSON
        #[arg(long)]
        json: bool,
    },
    /// Xem hồ sơ công nhận của một đơn vị (MÃ, hoặc xa cho chính xã)
    #[command(help_template = TEMPLATE)]
    Show {
        #[arg(value_parser = parse_cert_unit, value_name = "MÃ")]
        unit: CertUnit,
        #[arg(long, value_name = "NĂM")]
        year: i32,
        /// In dạng JSON
        #[arg(long)]
        json: bool,
    },
    /// Chuyển hồ sơ sang bước tiếp theo với dữ liệu của bước (JSON)
    #[command(help_template = TEMPLATE)]
    Advance {
        #[arg(value_parser = parse_cert_unit, value_name = "MÃ")]
        unit: CertUnit,
        #[arg(long, value_name = "NĂM")]
        year: i32,
        /// Dữ liệu của bước dạng JSON, @TỆP hoặc - (xem các trường: phongtrao cert show MÃ --year NĂM)
        #[arg(long, value_name = "JSON")]
        data: String,
    },
    /// Lùi hồ sơ về bước trước (bắt buộc ghi lý do)
    #[command(help_template = TEMPLATE)]
    Revert {
        #[arg(value_parser = parse_cert_unit, value_name = "MÃ")]
        unit: CertUnit,
        #[arg(long, value_name = "NĂM")]
        year: i32,
        /// Lý do lùi bước
        #[arg(long, value_name = "LÝ DO")]
        reason: String,
    },
    /// Thiết lập của xã cho năm (chỉ Trưởng Công an xã): tỷ lệ phiếu, cán bộ bị kỷ luật
    #[command(help_template = TEMPLATE)]
    Settings {
        #[arg(long, value_name = "NĂM")]
        year: i32,
        /// {"vote_percent": 50, "vote_more_than": true, "officer_disciplined": false, "discipline_note": "…"}
        #[arg(long, value_name = "JSON")]
        data: String,
    },
    /// In hồ sơ công nhận của một đơn vị (MÃ), hoặc của xã (xa: báo cáo, tờ trình, quyết định), ra thư mục: mỗi văn bản một tệp PDF
    #[command(help_template = TEMPLATE)]
    Dossier {
        #[arg(value_parser = parse_cert_unit, value_name = "MÃ")]
        unit: CertUnit,
        #[arg(long, value_name = "NĂM")]
        year: i32,
        /// Thư mục ghi các tệp PDF (tạo nếu chưa có)
        #[arg(long, value_name = "THƯ_MỤC")]
        out: PathBuf,
        /// Ngày ban hành của báo cáo kết quả (mặc định: hôm nay), dd/mm/yyyy
        #[arg(long, value_name = "NGÀY")]
        date: Option<String>,
    },
    /// Kết quả của xã: từng tiêu chí, kèm số liệu
    #[command(help_template = TEMPLATE)]
    Result {
        #[arg(long, value_name = "NĂM")]
        year: i32,
        /// In dạng JSON
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProvinceInspectionCmd {
    /// Lập cuộc kiểm tra một xã cùng các nhiệm vụ khắc phục (lưu tất cả hoặc không lưu gì); ghi gói quyết định cho xã
    #[command(help_template = TEMPLATE)]
    Add {
        /// Mã xã được kiểm tra (5 chữ số)
        #[arg(long, value_name = "MÃ XÃ")]
        commune: String,
        /// Các trường của cuộc kiểm tra (phongtrao fields inspection, trừ khu dân cư và cơ quan) và "tasks":
        /// [{"content", "responsible", "deadline"}, …]; JSON, @TỆP hoặc -
        #[arg(long, value_name = "JSON")]
        json: String,
        /// Thư mục ghi gói quyết định cho xã (mặc định: quyet-dinh trong thư mục của tỉnh)
        #[arg(long, value_name = "THƯ MỤC")]
        out: Option<PathBuf>,
    },
    /// Xem một cuộc kiểm tra: xã, đoàn, ưu điểm, khuyết điểm, các nhiệm vụ, báo cáo của xã và kết quả đánh giá
    #[command(help_template = TEMPLATE)]
    Show {
        #[arg(value_parser = parse_id, value_name = "MÃ")]
        id: Uuid,
        /// In dạng JSON
        #[arg(long)]
        json: bool,
    },
    /// Đánh giá một báo cáo kết quả khắc phục của xã: đạt, hoặc chưa đạt với lý do; ghi gói quyết định cho xã
    #[command(help_template = TEMPLATE)]
    Review {
        /// Mã báo cáo kết quả khắc phục
        #[arg(value_parser = parse_id, value_name = "MÃ")]
        answer: Uuid,
        /// Đạt: nhiệm vụ đã hoàn thành
        #[arg(long, conflicts_with = "not_enough")]
        accept: bool,
        /// Chưa đạt: xã phải khắc phục tiếp (cần --reason)
        #[arg(long)]
        not_enough: bool,
        /// Lý do, nhận xét
        #[arg(long, value_name = "LÝ DO", default_value = "")]
        reason: String,
        /// Thư mục ghi gói quyết định cho xã (mặc định: quyet-dinh trong thư mục của tỉnh)
        #[arg(long, value_name = "THƯ MỤC")]
        out: Option<PathBuf>,
    },
    /// In một văn bản của cuộc kiểm tra ra tệp PDF: bien-ban-kiem-tra, thong-bao-ket-luan-kiem-tra hoặc danh-sach-khac-phuc
    #[command(help_template = TEMPLATE)]
    Print {
        /// Mã cuộc kiểm tra
        #[arg(value_parser = parse_id, value_name = "MÃ")]
        id: Uuid,
        /// Văn bản: bien-ban-kiem-tra, thong-bao-ket-luan-kiem-tra, danh-sach-khac-phuc
        #[arg(long, value_name = "MẪU")]
        form: String,
        /// Cấp số mới (mặc định: in lại văn bản của cuộc kiểm tra thì giữ số và ngày đã cấp)
        #[arg(long)]
        new: bool,
        /// Chỉ xem trước, không lấy số
        #[arg(long, conflicts_with = "new")]
        preview: bool,
        /// Tệp PDF ghi ra
        #[arg(short = 'o', long = "out", value_name = "TỆP")]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum InspectionCmd {
    /// Ghi một cuộc kiểm tra cùng các nhiệm vụ khắc phục (lưu tất cả hoặc không lưu gì)
    #[command(help_template = TEMPLATE)]
    Add {
        /// Các trường của cuộc kiểm tra (phongtrao fields inspection) và "tasks": [{"content", "responsible",
        /// "deadline"}, …]; JSON, @TỆP hoặc -
        #[arg(long, value_name = "JSON")]
        json: String,
    },
    /// Xem một cuộc kiểm tra: đơn vị, đoàn, ưu điểm, khuyết điểm, các nhiệm vụ và tình trạng
    #[command(help_template = TEMPLATE)]
    Show {
        #[arg(value_parser = parse_id, value_name = "MÃ")]
        id: Uuid,
        /// In dạng JSON
        #[arg(long)]
        json: bool,
    },
    /// Các nhiệm vụ khắc phục và tình trạng (đang thực hiện, quá hạn, đã hoàn thành)
    #[command(help_template = TEMPLATE)]
    Tasks {
        /// Chỉ các nhiệm vụ ở tình trạng này: open (đang thực hiện), overdue (quá hạn), done (đã hoàn thành)
        #[arg(long, value_parser = parse_status, value_name = "TÌNH TRẠNG")]
        status: Option<phongtrao::domain::inspection::TaskStatus>,
        /// In dạng JSON
        #[arg(long)]
        json: bool,
    },
    /// Báo cáo kết quả khắc phục một nhiệm vụ: đã làm gì, ngày nào, minh chứng (in mã báo cáo)
    #[command(help_template = TEMPLATE)]
    Answer {
        /// Mã nhiệm vụ khắc phục
        #[arg(value_parser = parse_id, value_name = "MÃ")]
        task: Uuid,
        /// {"date": "…", "content": "…", "activity_ids": […], "meeting_ids": […]}; JSON, @TỆP hoặc -
        #[arg(long, value_name = "JSON")]
        json: String,
    },
    /// Đánh giá một báo cáo kết quả khắc phục (Trưởng Công an xã): đạt, hoặc chưa đạt với lý do
    #[command(help_template = TEMPLATE)]
    Review {
        /// Mã báo cáo kết quả khắc phục
        #[arg(value_parser = parse_id, value_name = "MÃ")]
        answer: Uuid,
        /// Đạt: nhiệm vụ đã hoàn thành
        #[arg(long, conflicts_with = "not_enough")]
        accept: bool,
        /// Chưa đạt: đơn vị phải khắc phục tiếp (cần --reason)
        #[arg(long)]
        not_enough: bool,
        /// Lý do, nhận xét
        #[arg(long, value_name = "LÝ DO", default_value = "")]
        reason: String,
    },
}

fn parse_status(s: &str) -> Result<phongtrao::domain::inspection::TaskStatus, String> {
    phongtrao::domain::inspection::TaskStatus::parse(s)
        .ok_or_else(|| format!("tình trạng «{s}» không có; chọn một trong: open, overdue, done"))
}

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Kiểm tra chuỗi băm của nhật ký (phát hiện mục bị sửa, bị xóa)
    #[command(help_template = TEMPLATE)]
    Verify,
    /// Xem các mục nhật ký mới nhất
    #[command(help_template = TEMPLATE)]
    Log {
        #[arg(long, default_value_t = 20, value_name = "N")]
        limit: u32,
    },
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    Kind::parse(s).ok_or_else(|| {
        let all: Vec<&str> = Kind::ALL.iter().map(|k| k.code()).collect();
        format!("loại bản ghi «{s}» không có; chọn một trong: {}", all.join(", "))
    })
}

/// What `export` writes: one register, or every one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    One(Kind),
    All,
    /// The dashboard's tables.
    Dashboard,
    /// The yearly report's figures.
    YearReport,
}

fn parse_export_kind(s: &str) -> Result<ExportKind, String> {
    match s.trim() {
        "all" | "tat-ca" | "tất-cả" => return Ok(ExportKind::All),
        "dashboard" | "tong-quan" | "tổng-quan" => return Ok(ExportKind::Dashboard),
        "report" | "bao-cao-nam" | "báo-cáo-năm" => return Ok(ExportKind::YearReport),
        _ => {}
    }
    parse_kind(s).map(ExportKind::One)
}

fn parse_id(s: &str) -> Result<Uuid, String> {
    Uuid::parse_str(s.trim()).map_err(|_| format!("«{s}» không phải là mã bản ghi"))
}

/// Parses the command line; on a usage error prints a Vietnamese message and returns the exit code.
pub fn parse() -> Result<Cli, ExitCode> {
    let matches = vietnamese_headings(Cli::command()).try_get_matches();
    let result = matches.and_then(|m| Cli::from_arg_matches(&m));
    match result {
        Ok(cli) => Ok(cli),
        Err(e) => match e.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                print!("{}", vietnamese_help(&e.render().to_string()));
                Err(ExitCode::SUCCESS)
            }
            ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                eprint!("{}", vietnamese_help(&e.render().to_string()));
                Err(ExitCode::from(2))
            }
            _ => {
                eprintln!("Lỗi: {}", vietnamese(&e));
                eprintln!("Xem hướng dẫn: phongtrao --help");
                Err(ExitCode::from(2))
            }
        },
    }
}

/// Puts every argument under a Vietnamese heading, in every subcommand.
fn vietnamese_headings(cmd: clap::Command) -> clap::Command {
    cmd.subcommand_value_name("LỆNH")
        .subcommand_help_heading("Lệnh")
        .mut_args(|a| {
            let heading = if a.is_positional() { "Tham số" } else { "Tùy chọn" };
            a.help_heading(heading)
        })
        .mut_subcommands(vietnamese_headings)
}

/// The few words clap writes itself.
fn vietnamese_help(help: &str) -> String {
    help.replace("[OPTIONS]", "[TÙY CHỌN]").replace("[default: ", "[mặc định: ").replace("[env: ", "[biến môi trường: ")
}

fn vietnamese(e: &clap::Error) -> String {
    let ctx = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    match e.kind() {
        ErrorKind::InvalidSubcommand => format!("không có lệnh «{}»", ctx(ContextKind::InvalidSubcommand)),
        ErrorKind::UnknownArgument => format!("không có tùy chọn «{}»", ctx(ContextKind::InvalidArg)),
        ErrorKind::MissingRequiredArgument => format!("thiếu {}", ctx(ContextKind::InvalidArg)),
        ErrorKind::MissingSubcommand => "thiếu lệnh".into(),
        ErrorKind::ValueValidation => {
            let source = std::error::Error::source(e).map(|s| s.to_string()).unwrap_or_default();
            format!("{}: {source}", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::InvalidValue => {
            format!("giá trị «{}» của {} không hợp lệ", ctx(ContextKind::InvalidValue), ctx(ContextKind::InvalidArg))
        }
        ErrorKind::ArgumentConflict => format!("không dùng chung được {}", ctx(ContextKind::InvalidArg)),
        ErrorKind::TooManyValues => {
            format!("{} chỉ được dùng một lần", ctx(ContextKind::InvalidArg))
        }
        _ => "câu lệnh không hợp lệ".into(),
    }
}
