-- 0001_dimensions: the reference tables every fact points at by code: provinces, wards, units
-- (departments and ward people's committees), fields (lĩnh vực), procedures (TTHC) and petition
-- categories. They are small (hundreds to a few thousand rows) and change rarely.
--
-- Pattern for every dimension: ReplacingMergeTree(version) ORDER BY code. A changed row is a new
-- insert with a higher version (unix milliseconds of the edit; seeds use version 1), so edits and
-- re-run seed INSERTs are idempotent. Readers use FINAL (cheap at this size) or argMax(…, version)
-- GROUP BY code. Codes are the join keys of the fact tables and are never reused for another
-- entity; a retired entity is kept with active = false (or left in place, for wards) so that old
-- facts still resolve their names.
--
-- On a cluster each table is a Replicated*MergeTree "<name>_local" with a Distributed "<name>"
-- over it; queries and INSERTs use the Distributed name.

-- provinces: the 34 provinces after the 2025 merger (seeded for the cities govpulse serves).
CREATE TABLE IF NOT EXISTS {{local "provinces"}} {{onCluster}}
(
    -- GSO two-digit code, e.g. '79' for Thành phố Hồ Chí Minh.
    code String,
    name String,
    full_name String,
    name_en String,
    version UInt64
)
ENGINE = {{engine "ReplacingMergeTree(version)"}}
ORDER BY code
-- statement-break
{{distributed "provinces" "cityHash64(code)"}}
-- statement-break

-- wards: ward-level units (phường, xã, đặc khu) after 1 July 2025, with official GSO codes.
CREATE TABLE IF NOT EXISTS {{local "wards"}} {{onCluster}}
(
    -- GSO five-digit code, e.g. '26734'; the ward_code of every fact table.
    code String,
    -- Name without the unit type ('Bến Thành') and with it ('Phường Bến Thành').
    name String,
    full_name String,
    name_en String,
    -- The values are the Vietnamese words the UI shows; Enum8 refuses anything else at insert.
    unit_type Enum8('phường' = 1, 'xã' = 2, 'đặc khu' = 3),
    -- LowCardinality: three cities per deployment at most, repeated on every ward.
    province_code LowCardinality(String),
    province_name LowCardinality(String),
    -- Upstream's ASCII slug ('ben_thanh'), stable across spelling variants of the name.
    code_name String,
    -- Forms a text may use for this ward, for ward matching in the pipeline and the assistant:
    -- lower case, without diacritics (đ→d), single spaces, with and without the unit-type prefix
    -- ('phuong ben thanh', 'p. ben thanh', 'p ben thanh', 'ben thanh'). Match against the text
    -- folded the same way. A bare name can belong to wards of several provinces (e.g. 'an phu'):
    -- matchers scope by province_code.
    aliases Array(String),
    version UInt64
)
ENGINE = {{engine "ReplacingMergeTree(version)"}}
ORDER BY code
-- statement-break
{{distributed "wards" "cityHash64(code)"}}
-- statement-break

-- units: the handling units ranked by the 766 index: city departments (Sở, Ban, ngành) and the
-- people's committees of wards. unit_code in dossiers and petitions points here.
CREATE TABLE IF NOT EXISTS {{local "units"}} {{onCluster}}
(
    -- The source system's agency code, e.g. 'H29.123' (a department) or 'H29.123.45' (a ward).
    code String,
    name String,
    name_en String,
    type Enum8('department' = 1, 'ward' = 2),
    -- For a ward unit, the ward it governs; '' for a department.
    ward_code LowCardinality(String),
    -- The unit it reports to ('' for the city level), for roll-ups of sub-units.
    parent String,
    -- False once a unit is dissolved or merged; it then drops out of current rankings but keeps
    -- resolving the names of its old dossiers.
    active Bool,
    version UInt64
)
ENGINE = {{engine "ReplacingMergeTree(version)"}}
ORDER BY code
-- statement-break
{{distributed "units" "cityHash64(code)"}}
-- statement-break

-- fields: lĩnh vực of procedures (Hộ tịch, Đất đai, …); dossiers.field and procedures.field hold
-- the code.
CREATE TABLE IF NOT EXISTS {{local "fields"}} {{onCluster}}
(
    -- ASCII slug, e.g. 'ho_tich'.
    code String,
    name_vi String,
    name_en String,
    version UInt64
)
ENGINE = {{engine "ReplacingMergeTree(version)"}}
ORDER BY code
-- statement-break
{{distributed "fields" "cityHash64(code)"}}
-- statement-break

-- procedures: the catalogue of administrative procedures (TTHC). The 766 online-service group
-- needs it ("procedures offered online" is a share of this catalogue, not of dossiers).
CREATE TABLE IF NOT EXISTS {{local "procedures"}} {{onCluster}}
(
    -- National code, e.g. '1.001193' (đăng ký khai sinh).
    code String,
    name String,
    field LowCardinality(String),
    -- How far the procedure is offered online: DVC trực tuyến toàn trình (full) / một phần (partial).
    online_level Enum8('full' = 1, 'partial' = 2, 'none' = 3),
    -- Legal processing time in working days; 0 means settled on the spot (same day).
    processing_days UInt16,
    -- Statutory fee or charge in đồng; 0 means free. The fee actually charged is dossiers.fee_vnd.
    fee_vnd UInt64,
    active Bool,
    version UInt64
)
ENGINE = {{engine "ReplacingMergeTree(version)"}}
ORDER BY code
-- statement-break
{{distributed "procedures" "cityHash64(code)"}}
-- statement-break

-- petition_categories: the PAKN category tree (top level and subcategories through parent);
-- petitions.category and petitions.subcategory hold codes from here.
CREATE TABLE IF NOT EXISTS {{local "petition_categories"}} {{onCluster}}
(
    -- ASCII slug, e.g. 'ngap_nuoc'.
    code String,
    name_vi String,
    name_en String,
    -- '' for a top-level category, else the code of its parent.
    parent String,
    -- Days allowed to answer (DOMAIN §1: 5 days in HCMC, configurable per category). The pipeline
    -- uses it to fill petitions.due_at when the source leaves it out.
    sla_days UInt16,
    version UInt64
)
ENGINE = {{engine "ReplacingMergeTree(version)"}}
ORDER BY code
-- statement-break
{{distributed "petition_categories" "cityHash64(code)"}}
