-- Rankings: the units a 766 ranking lists, every one of them even without data. level is
-- 'department' (city departments: units that are not ward committees) or 'ward' (the people's
-- committees of wards, H29.<ward code>, ranked as the handling units they are: their dossiers and
-- petitions carry their unit code, not only their ward code). Only active units, and only units of
-- the cities that run govpulse: the city prefix (the code before the first '.', 'H29') of at least
-- one active department. The seeds (0009) hold the wards of three cities but the departments of Ho
-- Chi Minh City only, so the ward ranking lists HCMC's wards; a city that loads its own departments
-- brings its wards into the ranking.
-- Parameters: level String ('department' or 'ward').
-- Rows: code, name, ward_code String, ordered by code.
SELECT u.code AS code, u.name AS name, toString(u.ward_code) AS ward_code
FROM units AS u FINAL
WHERE toString(u.type) = {level:String}
    AND u.active
    AND splitByChar('.', u.code)[1] IN (
        SELECT splitByChar('.', d.code)[1] FROM units AS d FINAL WHERE d.type = 'department' AND d.active
    )
ORDER BY u.code
