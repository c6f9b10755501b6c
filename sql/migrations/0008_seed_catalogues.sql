-- 0008_seed_catalogues: the starting vocabulary of fields (lĩnh vực of procedures) and petition
-- categories (PAKN), in Vietnamese and English. The codes are what dossiers.field and
-- petitions.category / subcategory hold, what the simulator generates and what the assistant's
-- semantic layer maps words to, so they are ASCII slugs of the Vietnamese name and never change
-- meaning. A city adds or renames entries with a higher version (edits win over these seeds).
--
-- The category list follows what Portal 1022 reports monthly (DOMAIN §2): public administration,
-- urban infrastructure (roads, manholes, lighting, drainage), flooding, noise, buses and traffic,
-- urban order and sidewalk encroachment, environment, health, education, tourism, letters to the
-- city leaders. sla_days is the answer deadline: 5 days in HCMC (DOMAIN §1, configurable by
-- editing the row).
--
-- version 1; re-running inserts the same rows, which ReplacingMergeTree folds.

INSERT INTO fields (code, name_vi, name_en, version) VALUES
('ho_tich', 'Hộ tịch', 'Civil status registration', 1),
('dat_dai', 'Đất đai', 'Land', 1),
('xay_dung', 'Xây dựng', 'Construction', 1),
('dang_ky_kinh_doanh', 'Đăng ký kinh doanh', 'Business registration', 1),
('cu_tru', 'Cư trú', 'Residence', 1),
('chung_thuc', 'Chứng thực', 'Certification', 1),
('lao_dong_viec_lam', 'Lao động – việc làm', 'Labour and employment', 1),
('bao_tro_xa_hoi', 'Bảo trợ xã hội', 'Social protection', 1),
('nguoi_co_cong', 'Người có công', 'Persons with meritorious services', 1),
('y_te', 'Y tế', 'Health', 1),
('giao_duc', 'Giáo dục', 'Education', 1),
('tu_phap', 'Tư pháp', 'Justice', 1),
('giao_thong_van_tai', 'Giao thông vận tải', 'Transport', 1),
('tai_nguyen_moi_truong', 'Tài nguyên và môi trường', 'Natural resources and environment', 1),
('nong_nghiep', 'Nông nghiệp', 'Agriculture', 1),
('cong_thuong', 'Công thương', 'Industry and trade', 1),
('van_hoa_the_thao_du_lich', 'Văn hóa, thể thao và du lịch', 'Culture, sports and tourism', 1),
('tai_chinh', 'Tài chính', 'Finance', 1),
('khac', 'Khác', 'Other', 1)
-- statement-break
INSERT INTO petition_categories (code, name_vi, name_en, parent, sla_days, version) VALUES
('hanh_chinh_cong', 'Hành chính công', 'Public administration', '', 5, 1),
('ha_tang_do_thi', 'Hạ tầng đô thị', 'Urban infrastructure', '', 5, 1),
('duong_sa', 'Đường sá, vỉa hè hư hỏng', 'Damaged roads and pavements', 'ha_tang_do_thi', 5, 1),
('ho_ga', 'Hố ga, nắp cống', 'Manholes and drain covers', 'ha_tang_do_thi', 5, 1),
('chieu_sang', 'Chiếu sáng công cộng', 'Street lighting', 'ha_tang_do_thi', 5, 1),
('thoat_nuoc', 'Thoát nước', 'Drainage', 'ha_tang_do_thi', 5, 1),
('cay_xanh', 'Cây xanh', 'Trees and green space', 'ha_tang_do_thi', 5, 1),
('ngap_nuoc', 'Ngập nước', 'Flooding', '', 5, 1),
('tieng_on', 'Tiếng ồn', 'Noise', '', 5, 1),
('karaoke', 'Karaoke, loa kẹo kéo', 'Karaoke and portable speakers', 'tieng_on', 5, 1),
('cong_trinh_xay_dung', 'Công trình xây dựng gây ồn', 'Construction noise', 'tieng_on', 5, 1),
('giao_thong', 'Giao thông', 'Traffic', '', 5, 1),
('xe_buyt', 'Xe buýt', 'Buses', 'giao_thong', 5, 1),
('un_tac', 'Ùn tắc giao thông', 'Traffic congestion', 'giao_thong', 5, 1),
('den_tin_hieu', 'Đèn tín hiệu giao thông', 'Traffic lights', 'giao_thong', 5, 1),
('trat_tu_do_thi', 'Trật tự đô thị', 'Urban order', '', 5, 1),
('lan_chiem_via_he', 'Lấn chiếm vỉa hè, lòng đường', 'Sidewalk and roadway encroachment', 'trat_tu_do_thi', 5, 1),
('xay_dung_trai_phep', 'Xây dựng trái phép', 'Unlicensed construction', 'trat_tu_do_thi', 5, 1),
('moi_truong', 'Môi trường', 'Environment', '', 5, 1),
('rac_thai', 'Rác thải', 'Waste and litter', 'moi_truong', 5, 1),
('o_nhiem', 'Ô nhiễm không khí, nước', 'Air and water pollution', 'moi_truong', 5, 1),
('y_te', 'Y tế', 'Health', '', 5, 1),
('giao_duc', 'Giáo dục', 'Education', '', 5, 1),
('du_lich', 'Du lịch', 'Tourism', '', 5, 1),
('an_ninh_trat_tu', 'An ninh trật tự', 'Public safety and order', '', 5, 1),
('gui_lanh_dao_thanh_pho', 'Gửi lãnh đạo Thành phố', 'To the city leaders', '', 5, 1),
('khac', 'Khác', 'Other', '', 5, 1)
