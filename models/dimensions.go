package models

// Dimension rows: the reference tables of sql/migrations/0001_dimensions.sql. Each is a
// ReplacingMergeTree keyed by Code; an edit is a new row with a higher Version (unix
// milliseconds; seeds use 1).

// Province is a province or centrally-run city (provinces table), e.g. 79 Thành phố Hồ Chí Minh.
type Province struct {
	Code     string `ch:"code" json:"code"` // GSO code, two digits
	Name     string `ch:"name" json:"name"` // "Hồ Chí Minh"
	FullName string `ch:"full_name" json:"full_name"`
	NameEN   string `ch:"name_en" json:"name_en"`
	Version  uint64 `ch:"version" json:"version"`
}

// Ward is a ward-level unit, phường, xã or đặc khu (wards table).
type Ward struct {
	Code         string `ch:"code" json:"code"`           // GSO code, five digits
	Name         string `ch:"name" json:"name"`           // "Bến Thành"
	FullName     string `ch:"full_name" json:"full_name"` // "Phường Bến Thành"
	NameEN       string `ch:"name_en" json:"name_en"`
	UnitType     string `ch:"unit_type" json:"unit_type"` // a WardType
	ProvinceCode string `ch:"province_code" json:"province_code"`
	ProvinceName string `ch:"province_name" json:"province_name"`
	CodeName     string `ch:"code_name" json:"code_name"` // ASCII slug, "ben_thanh"
	// Aliases are the folded forms a text may use (lower case, no diacritics, single spaces):
	// "phuong ben thanh", "p. ben thanh", "ben thanh". An alias shared by two wards of one
	// province is ambiguous and must be settled on the text with diacritics.
	Aliases []string `ch:"aliases" json:"aliases"`
	Version uint64   `ch:"version" json:"version"`
}

// Unit is a handling unit ranked by the 766 index: a city department or a ward's people's
// committee (units table).
type Unit struct {
	Code     string `ch:"code" json:"code"` // the source system's agency code
	Name     string `ch:"name" json:"name"`
	NameEN   string `ch:"name_en" json:"name_en"`
	Type     string `ch:"type" json:"type"`           // a UnitType
	WardCode string `ch:"ward_code" json:"ward_code"` // the ward governed; "" for a department
	Parent   string `ch:"parent" json:"parent"`       // the unit reported to; "" at city level
	Active   bool   `ch:"active" json:"active"`       // false once dissolved or merged
	Version  uint64 `ch:"version" json:"version"`
}

// Field is a lĩnh vực of procedures (fields table), e.g. ho_tich "Hộ tịch".
type Field struct {
	Code    string `ch:"code" json:"code"` // ASCII slug
	NameVI  string `ch:"name_vi" json:"name_vi"`
	NameEN  string `ch:"name_en" json:"name_en"`
	Version uint64 `ch:"version" json:"version"`
}

// Procedure is an administrative procedure of the catalogue (procedures table).
type Procedure struct {
	Code        string `ch:"code" json:"code"` // national code, e.g. 1.001193
	Name        string `ch:"name" json:"name"`
	Field       string `ch:"field" json:"field"`               // code of a Field
	OnlineLevel string `ch:"online_level" json:"online_level"` // an OnlineLevel
	// ProcessingDays is the legal processing time in working days; 0 means same day.
	ProcessingDays uint16 `ch:"processing_days" json:"processing_days"`
	FeeVND         uint64 `ch:"fee_vnd" json:"fee_vnd"` // statutory fee; 0 means free
	Active         bool   `ch:"active" json:"active"`
	Version        uint64 `ch:"version" json:"version"`
}

// PetitionCategory is a node of the petition category tree (petition_categories table).
type PetitionCategory struct {
	Code   string `ch:"code" json:"code"` // ASCII slug, e.g. ngap_nuoc
	NameVI string `ch:"name_vi" json:"name_vi"`
	NameEN string `ch:"name_en" json:"name_en"`
	Parent string `ch:"parent" json:"parent"` // "" for a top-level category
	// SLADays is the number of days allowed to answer (configurable data, 5 in HCMC).
	SLADays uint16 `ch:"sla_days" json:"sla_days"`
	Version uint64 `ch:"version" json:"version"`
}
