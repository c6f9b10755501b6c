-- 0009_seed_units: the handling units ranked by the 766 index (units table): the people's
-- committee of every ward seeded by 0007 (HCMC, Hải Phòng, Cần Thơ), and the departments of Ho Chi
-- Minh City. dossiers.unit_code and petitions.unit_code hold these codes; the simulator
-- (pipeline/simulate*.go) generates them and derives its dossier codes from them.
--
-- Code scheme (govpulse's own, shaped like the agency codes of the one-stop systems; not the
-- official national agency codes, which a city replaces by inserting its own rows):
--   <city prefix>.<ward code>   the people's committee of a ward, e.g. 'H29.26743' for
--                               UBND Phường Bến Thành. The ward code is the GSO code of 0007.
--   <city prefix>.<letters>     a city department, e.g. 'H29.STP' for Sở Tư pháp.
--   city prefix                 'H29' for Ho Chi Minh City (79), else 'H' followed by the GSO
--                               province code ('H31' Hải Phòng, 'H92' Cần Thơ).
-- A unit code never holds '-', so a dossier code '<unit code>-<yymmdd>-<sequence>'
-- (H29.26743-250812-0007) splits back into its unit at the first '-'.
--
-- Ward units: name 'UBND ' + the ward's full name ('UBND Phường Bến Thành', 'UBND Xã Cần Giờ',
-- 'UBND Đặc khu Côn Đảo'), type 'ward', ward_code set, parent '' (a ward reports to the city,
-- which is not a ranked unit). They are selected from wards, so a ward added later by a new seed
-- needs its own unit row.
--
-- Departments (type 'department', ward_code '', parent ''): the Sở and Ban of Ho Chi Minh City
-- after the 2025 reorganisation (Sở Giao thông vận tải merged into Sở Xây dựng, Sở Tài nguyên và
-- Môi trường with Sở Nông nghiệp into Sở Nông nghiệp và Môi trường, Sở Kế hoạch và Đầu tư into Sở
-- Tài chính, Sở Lao động – Thương binh và Xã hội split between Sở Nội vụ and Sở Y tế, Sở Thông tin
-- và Truyền thông into Sở Khoa học và Công nghệ), plus the city police and the management boards
-- that receive dossiers. Names are loose: a city corrects them with a higher version.
--
-- version 1; re-running inserts the same rows, which ReplacingMergeTree folds. On a cluster the
-- INSERTs go through the Distributed tables.

INSERT INTO units (code, name, name_en, type, ward_code, parent, active, version)
-- Columns by position, without aliases: an alias named like a column of wards ('code') would
-- shadow that column in the expressions after it.
SELECT
    concat(if(w.province_code = '79', 'H29', concat('H', w.province_code)), '.', w.code),
    concat('UBND ', w.full_name),
    concat(w.name_en, ' ', multiIf(w.unit_type = 'phường', 'Ward', w.unit_type = 'xã', 'Commune', 'Special Zone'), ' People''s Committee'),
    'ward',
    w.code,
    '',
    true,
    1
FROM wards AS w FINAL
-- statement-break
INSERT INTO units (code, name, name_en, type, ward_code, parent, active, version) VALUES
('H29.VP', 'Văn phòng Ủy ban nhân dân Thành phố', 'Office of the City People''s Committee', 'department', '', '', true, 1),
('H29.SNV', 'Sở Nội vụ', 'Department of Home Affairs', 'department', '', '', true, 1),
('H29.STP', 'Sở Tư pháp', 'Department of Justice', 'department', '', '', true, 1),
('H29.STC', 'Sở Tài chính', 'Department of Finance', 'department', '', '', true, 1),
('H29.SCT', 'Sở Công Thương', 'Department of Industry and Trade', 'department', '', '', true, 1),
('H29.SXD', 'Sở Xây dựng', 'Department of Construction', 'department', '', '', true, 1),
('H29.SNNMT', 'Sở Nông nghiệp và Môi trường', 'Department of Agriculture and Environment', 'department', '', '', true, 1),
('H29.SKHCN', 'Sở Khoa học và Công nghệ', 'Department of Science and Technology', 'department', '', '', true, 1),
('H29.SGDDT', 'Sở Giáo dục và Đào tạo', 'Department of Education and Training', 'department', '', '', true, 1),
('H29.SYT', 'Sở Y tế', 'Department of Health', 'department', '', '', true, 1),
('H29.SVHTT', 'Sở Văn hóa và Thể thao', 'Department of Culture and Sports', 'department', '', '', true, 1),
('H29.SDL', 'Sở Du lịch', 'Department of Tourism', 'department', '', '', true, 1),
('H29.SQHKT', 'Sở Quy hoạch – Kiến trúc', 'Department of Planning and Architecture', 'department', '', '', true, 1),
('H29.SNGV', 'Sở Ngoại vụ', 'Department of Foreign Affairs', 'department', '', '', true, 1),
('H29.SDTTG', 'Sở Dân tộc và Tôn giáo', 'Department of Ethnic and Religious Affairs', 'department', '', '', true, 1),
('H29.TTTP', 'Thanh tra Thành phố', 'City Inspectorate', 'department', '', '', true, 1),
('H29.CA', 'Công an Thành phố', 'City Police', 'department', '', '', true, 1),
('H29.BQLATTP', 'Ban Quản lý An toàn thực phẩm', 'Food Safety Management Board', 'department', '', '', true, 1),
('H29.HEPZA', 'Ban Quản lý các Khu chế xuất và công nghiệp', 'Export Processing and Industrial Zones Authority', 'department', '', '', true, 1),
('H29.SHTP', 'Ban Quản lý Khu Công nghệ cao', 'Saigon Hi-Tech Park Management Board', 'department', '', '', true, 1)
