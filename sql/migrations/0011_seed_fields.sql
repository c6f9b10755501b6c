-- 0011_seed_fields: fields (lĩnh vực) the procedure catalogue of 0010 needs beyond the 19 of
-- 0008: home affairs (associations, emulation and rewards, archives), science and technology
-- (with information and communication since the 2025 merger), ethnic and religious affairs,
-- immigration, identity cards (căn cước) and inspection, complaints and denunciations. Same
-- rules as 0008: ASCII slugs of the Vietnamese name that never change meaning; a city renames an
-- entry with a higher version.
--
-- version 1; re-running inserts the same rows, which ReplacingMergeTree folds.

INSERT INTO fields (code, name_vi, name_en, version) VALUES
('noi_vu', 'Nội vụ', 'Home affairs', 1),
('khoa_hoc_cong_nghe', 'Khoa học và công nghệ', 'Science and technology', 1),
('dan_toc_ton_giao', 'Dân tộc, tôn giáo', 'Ethnic and religious affairs', 1),
('xuat_nhap_canh', 'Xuất nhập cảnh', 'Immigration', 1),
('can_cuoc', 'Căn cước', 'Identity cards', 1),
('thanh_tra', 'Thanh tra, khiếu nại, tố cáo', 'Inspection, complaints and denunciations', 1)
