"""One translation table for every heading, caption, label and sentence of the reports.

``TEXT[key] = {"id": …, "en": …}``. Use :func:`t` to look a key up; a missing key or language is a
bug and raises ``KeyError`` (tests check that every key has both languages). Numbers are formatted
the Indonesian way in ``id`` (Rp 1.234.567; 12,3%) and the English way in ``en``.
"""
from __future__ import annotations

import math

LANGS = ("id", "en")

TEXT: dict[str, dict[str, str]] = {
    # ---- general --------------------------------------------------------------------------
    "synthetic_banner": {
        "id": "DATA SINTETIS — SYNTHETIC DATA: angka dalam laporan ini dihasilkan simulator berbenih, "
              "bukan data nyata.",
        "en": "SYNTHETIC DATA — figures in this report come from a seeded simulator, not from real data.",
    },
    "synthetic_stamp": {"id": "DATA SINTETIS / SYNTHETIC DATA", "en": "SYNTHETIC DATA"},
    "real_data": {"id": "Data nyata", "en": "Real data"},
    "data_source": {"id": "Sumber data", "en": "Data source"},
    "data_synthetic_source": {"id": "Simulator evalkit (benih {seed})", "en": "evalkit simulator (seed {seed})"},
    "scenario": {"id": "Skenario", "en": "Scenario"},
    "period": {"id": "Periode", "en": "Period"},
    "run_date": {"id": "Tanggal proses", "en": "Run date"},
    "contents": {"id": "Daftar isi", "en": "Contents"},
    "report_title": {"id": "Laporan Evaluasi Pergub Kaltim No. 19/2023",
                     "en": "Evaluation Report of Kaltim Pergub No. 19/2023"},
    "report_subtitle": {
        "id": "Bantuan iuran BPJS Ketenagakerjaan (JKK dan JKM) bagi pekerja rentan dari APBD Provinsi "
              "Kalimantan Timur",
        "en": "APBD-funded BPJS Ketenagakerjaan contributions (JKK and JKM) for vulnerable workers in "
              "East Kalimantan",
    },
    "footer": {"id": "Dibuat dengan evalkit {version}", "en": "Made with evalkit {version}"},
    "manifest_link": {"id": "manifest proses", "en": "run manifest"},
    "figure": {"id": "Gambar", "en": "Figure"},
    "table": {"id": "Tabel", "en": "Table"},
    "status_ok": {"id": "selesai", "en": "done"},
    "status_failed": {"id": "GAGAL", "en": "FAILED"},
    "failed_notebook": {"id": "Bagian ini gagal dijalankan: {error}",
                        "en": "This part failed to run: {error}"},
    "sections": {"id": "Bagian laporan", "en": "Report sections"},
    "headline_numbers": {"id": "Angka utama", "en": "Headline numbers"},
    "headline_figures": {"id": "Grafik utama", "en": "Headline figures"},
    "suppressed_note": {"id": "Sel di bawah {n} orang disembunyikan untuk melindungi privasi.",
                        "en": "Cells under {n} persons are suppressed to protect privacy."},
    "cmp_title": {"id": "Perbandingan skenario", "en": "Scenario comparison"},
    "cmp_scenarios": {"id": "Skenario yang dibandingkan", "en": "Scenarios compared"},
    "cmp_paths": {"id": "Kebutuhan APBD provinsi (kiri) dan cakupan yang dicapai (kanan) per skenario",
                  "en": "Provincial APBD need (left) and coverage reached (right) by scenario"},
    "cmp_allocation": {"id": "Alokasi anggaran provinsi tahun pertama per kab/kota", "en": "First-year provincial allocation by kab/kota"},
    "excel_link": {"id": "Semua tabel (Excel)", "en": "All tables (Excel)"},
    "page_meta": {"id": "Periode data {period} · {source}", "en": "Data period {period} · {source}"},
    # ---- notebook titles ------------------------------------------------------------------
    "nb_00-summary": {"id": "Ringkasan eksekutif", "en": "Executive summary"},
    "nb_01-data-quality": {"id": "Kualitas data", "en": "Data quality"},
    "nb_02-coverage-evaluation": {"id": "Evaluasi cakupan kepesertaan", "en": "Coverage evaluation"},
    "nb_03-budget-allocation": {"id": "Kebutuhan dan alokasi anggaran", "en": "Budget need and allocation"},
    "nb_04-kabkota-scorecard": {"id": "Kartu skor kabupaten/kota", "en": "Kab/kota scorecard"},
    # ---- column labels --------------------------------------------------------------------
    "col_region_code": {"id": "Kode", "en": "Code"},
    "col_region_name": {"id": "Kabupaten/kota", "en": "Kab/kota"},
    "col_before": {"id": "Sebelum", "en": "Before"},
    "col_after": {"id": "Sesudah", "en": "After"},
    "col_change": {"id": "Perubahan (poin persen)", "en": "Change (percentage points)"},
    "col_vulnerable_workers": {"id": "Pekerja rentan", "en": "Vulnerable workers"},
    "col_bpu_participants": {"id": "Peserta BPU", "en": "BPU participants"},
    "col_subsidised_prov": {"id": "Penerima bantuan provinsi", "en": "Provincial subsidy recipients"},
    "col_subsidised_kabkota": {"id": "Penerima bantuan kab/kota", "en": "Kab/kota subsidy recipients"},
    "col_subsidised_csr": {"id": "Penerima bantuan CSR", "en": "CSR-funded recipients"},
    "col_coverage": {"id": "Cakupan (%)", "en": "Coverage (%)"},
    "col_year": {"id": "Tahun", "en": "Year"},
    "col_check": {"id": "Pemeriksaan", "en": "Check"},
    "col_result": {"id": "Hasil", "en": "Result"},
    "col_rows_affected": {"id": "Baris bermasalah", "en": "Rows affected"},
    "col_indicator": {"id": "Indikator", "en": "Indicator"},
    "col_value": {"id": "Nilai", "en": "Value"},
    "col_rank": {"id": "Peringkat", "en": "Rank"},
    "col_growth": {"id": "Kenaikan cakupan (poin persen)", "en": "Coverage growth (percentage points)"},
    "col_recipients": {"id": "Penerima bantuan", "en": "Subsidy recipients"},
    "col_cost": {"id": "Biaya iuran", "en": "Contribution cost"},
    "col_programme": {"id": "Program", "en": "Programme"},
    "col_rupiah_month": {"id": "Rupiah per pekerja per bulan", "en": "Rupiah per worker per month"},
    "col_score": {"id": "Skor", "en": "Score"},
    "col_passed": {"id": "Lulus", "en": "Passed"},
    "col_cost_prov": {"id": "Biaya APBD provinsi", "en": "Provincial APBD cost"},
    "col_cost_kabkota": {"id": "Biaya APBD kab/kota", "en": "Kab/kota APBD cost"},
    "col_cost_csr": {"id": "Biaya CSR", "en": "CSR cost"},
    # ---- axis labels ----------------------------------------------------------------------
    "axis_month": {"id": "Bulan", "en": "Month"},
    "axis_coverage_pct": {"id": "Cakupan pekerja rentan (%)", "en": "Vulnerable-worker coverage (%)"},
    "axis_total_coverage_pct": {"id": "Cakupan seluruh pekerja (%)", "en": "All-worker coverage (%)"},
    "axis_recipients": {"id": "Penerima bantuan (orang)", "en": "Subsidy recipients (persons)"},
    "axis_rupiah_bn": {"id": "Miliar rupiah", "en": "Billion rupiah"},
    "legend_pergub_start": {"id": "Mulai Pergub 19/2023", "en": "Pergub 19/2023 starts"},
    "legend_kaltim": {"id": "Kaltim (gabungan)", "en": "Kaltim (aggregate)"},
    "legend_other_prov": {"id": "Provinsi lain (median)", "en": "Other provinces (median)"},
    "legend_target": {"id": "Target", "en": "Target"},
    # ---- outcomes -------------------------------------------------------------------------
    "outcome_vulnerable_coverage_pct": {"id": "cakupan pekerja rentan (peserta BPU / pekerja rentan)",
                                        "en": "vulnerable-worker coverage (BPU participants / vulnerable workers)"},
    "outcome_total_coverage_pct": {"id": "cakupan seluruh pekerja (peserta aktif / penduduk bekerja)",
                                   "en": "all-worker coverage (active participants / working population)"},
    # ---- 01 data quality ------------------------------------------------------------------
    "h_dq_panel": {"id": "Pemeriksaan panel cakupan bulanan", "en": "Checks of the monthly coverage panel"},
    "dq_intro": {
        "id": "Panel berisi {units} wilayah × {months} bulan ({start} – {end}). Setiap pemeriksaan di bawah "
              "harus bernilai nol baris bermasalah sebelum hasil evaluasi dapat dipercaya.",
        "en": "The panel holds {units} regions × {months} months ({start} – {end}). Every check below should "
              "show zero affected rows before the evaluation results can be trusted.",
    },
    "dq_complete": {"id": "Setiap wilayah punya semua bulan", "en": "Every region has every month"},
    "dq_missing": {"id": "Tidak ada nilai kosong", "en": "No missing values"},
    "dq_bpu_le_vuln": {"id": "Peserta BPU ≤ pekerja rentan", "en": "BPU participants ≤ vulnerable workers"},
    "dq_total_le_wp": {"id": "Peserta aktif ≤ penduduk bekerja", "en": "Active participants ≤ working population"},
    "dq_subsidised_le_bpu": {"id": "Penerima bantuan ≤ peserta BPU", "en": "Subsidy recipients ≤ BPU participants"},
    "dq_jump": {"id": "Lonjakan bulanan cakupan > 10 poin persen (di luar bulan mulai Pergub)",
                "en": "Monthly coverage jumps > 10 percentage points (outside the Pergub start month)"},
    "cap_dq_checks": {"id": "Hasil pemeriksaan konsistensi panel", "en": "Panel consistency checks"},
    "cap_dq_heatmap": {"id": "Cakupan pekerja rentan per kabupaten/kota dan bulan",
                       "en": "Vulnerable-worker coverage by kab/kota and month"},
    "ok": {"id": "lulus", "en": "pass"},
    "not_ok": {"id": "perlu diperiksa", "en": "needs review"},
    # ---- 01 recipients, compliance -----------------------------------------------------
    "h_dq_recipients": {"id": "Verifikasi data penerima bantuan", "en": "Verification of recipient data"},
    "dq_recipients_intro": {
        "id": "Daftar penerima ({rows} baris) diperiksa: struktur NIK, kesesuaian wilayah, jenis kelamin dan tanggal "
              "lahir, data ganda dalam satu sumber dana dan lintas sumber dana (risiko pendanaan ganda), serta kelayakan "
              "(usia {min_age}–{max_age} tahun, jenis pekerjaan). {clean} baris ({share}) lolos semua pemeriksaan. NIK "
              "dan nama tidak pernah ditampilkan: setiap temuan memakai kode hash bergaram.",
        "en": "The recipient list ({rows} rows) is checked: NIK structure, region match, sex and birth date, duplicates "
              "within a funding source and across sources (double-funding risk), and eligibility (age {min_age}–{max_age}, "
              "occupation). {clean} rows ({share}) pass every check. NIK and names are never shown: each finding "
              "carries a salted hash code.",
    },
    "dq_injected": {"id": "Daftar sintetis ini berisi cacat yang sengaja disisipkan: {injected}; semuanya harus ditemukan.",
                    "en": "This synthetic list carries deliberately injected defects: {injected}; all must be found."},
    "no_recipients": {"id": "Belum ada daftar penerima (data.recipients) untuk diperiksa.",
                      "en": "No recipient list (data.recipients) to check."},
    "no_companies": {"id": "Belum ada data perusahaan (data.companies).", "en": "No company records (data.companies)."},
    "check_invalid_nik": {"id": "NIK tidak valid", "en": "Invalid NIK"},
    "check_region_mismatch": {"id": "Wilayah NIK ≠ wilayah terdaftar", "en": "NIK region ≠ registered region"},
    "check_sex_birthdate_mismatch": {"id": "Jenis kelamin/tanggal lahir ≠ NIK", "en": "Sex/birth date ≠ NIK"},
    "check_duplicate_within_source": {"id": "Ganda dalam satu sumber dana", "en": "Duplicate within a source"},
    "check_duplicate_cross_source": {"id": "Ganda lintas sumber dana", "en": "Duplicate across sources"},
    "check_ineligible": {"id": "Tidak memenuhi syarat", "en": "Not eligible"},
    "check_invalid_value": {"id": "Isian kolom tidak valid", "en": "Invalid field value"},
    "cap_verify_summary": {"id": "Temuan verifikasi per jenis pemeriksaan", "en": "Verification findings by check"},
    "cap_verify_region": {"id": "Baris bermasalah per kabupaten/kota", "en": "Flagged rows by kab/kota"},
    "cap_churn": {"id": "Penerima baru, berlanjut dan keluar antarperiode", "en": "New, continuing and dropped recipients between periods"},
    "h_compliance": {"id": "Kepatuhan pemberi kerja membayar iuran", "en": "Employer compliance in paying contributions"},
    "compliance_intro": {
        "id": "Tingkat pendaftaran = pekerja terdaftar di BPJS TK / pekerja yang dilaporkan ke Disnaker; tepat waktu = "
              "bagian bulan-perusahaan yang dibayar tepat waktu; tunggakan dihitung dari bulan-bulan terakhir yang belum "
              "dibayar. Perusahaan hanya ditampilkan dengan kode hash.",
        "en": "Registration rate = workers registered with BPJS TK / workers reported to Disnaker; on time = share of "
              "company-months paid on time; arrears count the latest unpaid months. Companies appear only by hash code.",
    },
    "cap_compliance": {"id": "Kepatuhan pemberi kerja per kabupaten/kota", "en": "Employer compliance by kab/kota"},
    "cap_compliance_sector": {"id": "Kepatuhan pemberi kerja per sektor", "en": "Employer compliance by sector"},
    "cap_arrears": {"id": "Tunggakan iuran menurut lamanya (bulan)", "en": "Contribution arrears by age (months)"},
    "cap_top_arrears": {"id": "Perusahaan dengan tunggakan terbesar (kode hash)", "en": "Companies with the largest arrears (hash codes)"},
    "col_rows": {"id": "Baris", "en": "Rows"},
    "col_flagged": {"id": "Bermasalah", "en": "Flagged"},
    "col_clean_share": {"id": "Lolos (%)", "en": "Passing (%)"},
    "col_count": {"id": "Jumlah", "en": "Count"},
    "col_kode_wilayah": {"id": "Kode", "en": "Code"},
    "col_from": {"id": "Dari", "en": "From"},
    "col_to": {"id": "Ke", "en": "To"},
    "col_continuing": {"id": "Berlanjut", "en": "Continuing"},
    "col_new": {"id": "Baru", "en": "New"},
    "col_dropped": {"id": "Keluar", "en": "Dropped"},
    "col_companies": {"id": "Perusahaan", "en": "Companies"},
    "col_registration_rate": {"id": "Tingkat pendaftaran", "en": "Registration rate"},
    "col_on_time_share": {"id": "Bayar tepat waktu", "en": "Paid on time"},
    "col_arrears_rupiah": {"id": "Tunggakan", "en": "Arrears"},
    "col_companies_in_arrears": {"id": "Perusahaan menunggak", "en": "Companies in arrears"},
    "col_age_months": {"id": "Lama tunggakan (bulan)", "en": "Arrears age (months)"},
    "col_company_hash": {"id": "Kode perusahaan (hash)", "en": "Company (hash)"},
    "col_arrears_months": {"id": "Bulan menunggak", "en": "Months in arrears"},
    "col_sektor": {"id": "Sektor", "en": "Sector"},
    "col_skala": {"id": "Skala", "en": "Size"},
    "sum_data_quality": {"id": "Skor kualitas data penerima", "en": "Recipient data-quality score"},
    # ---- 04 scorecard -----------------------------------------------------------------
    "h_scorecard_index": {"id": "Indeks komposit kabupaten/kota", "en": "Kab/kota composite index"},
    "scorecard_intro": {
        "id": "Indeks {year} menggabungkan {n} indikator dengan bobot dari params (normalisasi {norm}: setiap indikator "
              "diubah ke skala 0–100 antar kab/kota, terbaik = 100). Ketidakpastian peringkat: bobot diacak {draws} kali; "
              "kolom P10–P90 menunjukkan rentang peringkat.",
        "en": "The {year} index combines {n} indicators with weights from params ({norm} normalisation: each indicator "
              "mapped to 0–100 across kab/kota, best = 100). Rank uncertainty: weights redrawn {draws} times; the "
              "P10–P90 columns give the range of ranks.",
    },
    "cap_indicators": {"id": "Nilai indikator mentah", "en": "Raw indicator values"},
    "cap_scorecard_index": {"id": "Skor komposit dan rentang peringkat (P10–P90)", "en": "Composite score and rank range (P10–P90)"},
    "axis_score": {"id": "Skor komposit (0–100)", "en": "Composite score (0–100)"},
    "col_coverage_level": {"id": "Cakupan (%)", "en": "Coverage (%)"},
    "col_coverage_growth": {"id": "Kenaikan (pp)", "en": "Growth (pp)"},
    "col_protected_per_1000": {"id": "Dilindungi per 1.000", "en": "Protected per 1,000"},
    "col_own_budget_per_worker": {"id": "APBD kab/kota per pekerja", "en": "Own APBD per worker"},
    "col_regulation": {"id": "Perda/Perbup", "en": "Perda/Perbup"},
    "col_csr_mobilised": {"id": "CSR per pekerja", "en": "CSR per worker"},
    "col_employer_compliance": {"id": "Kepatuhan pemberi kerja", "en": "Employer compliance"},
    "col_data_quality": {"id": "Kualitas data", "en": "Data quality"},
    "col_rank_median": {"id": "Peringkat median", "en": "Median rank"},
    "col_rank_p10": {"id": "Peringkat P10", "en": "Rank P10"},
    "col_rank_p90": {"id": "Peringkat P90", "en": "Rank P90"},
    "col_p_top3": {"id": "Peluang 3 besar", "en": "Probability top 3"},
    "sum_scorecard_top": {"id": "Kab/kota skor tertinggi", "en": "Highest-scoring kab/kota"},
    # ---- 02 coverage ----------------------------------------------------------------------
    "h_cov_descriptive": {"id": "Cakupan sebelum dan sesudah Pergub 19/2023",
                          "en": "Coverage before and after Pergub 19/2023"},
    "cov_intro": {
        "id": "Ukuran hasil: {outcome}. Perbandingan memakai rata-rata {pre} bulan sebelum dan {post} bulan "
              "sejak {start}. Ini perbandingan deskriptif, belum efek kausal: kenaikan juga bisa berasal "
              "dari tren yang sudah ada.",
        "en": "Outcome: {outcome}. The comparison uses the mean of the {pre} months before and the {post} "
              "months from {start}. This is descriptive, not yet a causal effect: part of the rise may be a "
              "trend that was already there.",
    },
    "cap_before_after": {"id": "Cakupan rata-rata sebelum dan sesudah Pergub per kabupaten/kota",
                         "en": "Mean coverage before and after the Pergub by kab/kota"},
    "cap_coverage_trends": {"id": "Cakupan bulanan: Kaltim dibanding provinsi lain",
                            "en": "Monthly coverage: Kaltim compared with other provinces"},
    "cap_coverage_kabkota": {"id": "Cakupan bulanan per kabupaten/kota", "en": "Monthly coverage by kab/kota"},
    "cov_reading": {
        "id": "Cakupan pekerja rentan Kaltim berubah dari {before} menjadi {after} ({change}; pp = poin persen).",
        "en": "Kaltim's vulnerable-worker coverage moved from {before} to {after} ({change}; pp = percentage points).",
    },
    # ---- 02 causal designs ----------------------------------------------------------------
    "h_designs": {"id": "Apakah kenaikan itu karena Pergub? Desain kausal", "en": "Is the rise due to the Pergub? Causal designs"},
    "designs_intro": {
        "id": "Setiap desain membandingkan cakupan dengan skenario tanpa kebijakan (kontrafaktual) dengan cara "
              "berbeda dan bersandar pada asumsi berbeda. Hasil yang sejalan dari beberapa desain lebih meyakinkan "
              "daripada satu angka.",
        "en": "Each design compares coverage with a no-policy scenario (the counterfactual) in a different way and "
              "rests on different assumptions. Agreement across designs is more convincing than any single number.",
    },
    "design_its": {"id": "Deret waktu terputus (Kaltim)", "en": "Interrupted time series (Kaltim)"},
    "design_did": {"id": "Selisih-dalam-selisih: kab/kota vs provinsi lain", "en": "Difference-in-differences: kab/kota vs other provinces"},
    "design_event_study": {"id": "Studi peristiwa (event study)", "en": "Event study"},
    "design_staggered": {"id": "Co-funding kab/kota bertahap (Callaway–Sant'Anna)", "en": "Staggered kab/kota co-funding (Callaway–Sant'Anna)"},
    "design_staggered_twfe": {"id": "Co-funding bertahap dengan TWFE biasa", "en": "Staggered co-funding with plain TWFE"},
    "design_synth": {"id": "Kontrol sintetis: Kaltim vs gabungan provinsi", "en": "Synthetic control: Kaltim vs a mix of provinces"},
    "design_dose": {"id": "Dosis–respons: porsi pekerja yang dibantu", "en": "Dose-response: share of workers subsidised"},
    "assume_its": {
        "id": "Asumsi: tanpa Pergub, tren cakupan Kaltim sebelum {start} akan berlanjut lurus. Tidak ada pembanding, "
              "jadi guncangan lain pada waktu yang sama ikut terhitung sebagai efek. Galat standar Newey–West.",
        "en": "Assumption: without the Pergub, Kaltim's pre-{start} coverage trend would have continued in a straight "
              "line. There is no comparison group, so any other shock at the same time counts as effect. Newey–West "
              "standard errors.",
    },
    "assume_did": {
        "id": "Asumsi: tanpa Pergub, cakupan kab/kota Kaltim akan bergerak sejajar dengan provinsi lain (tren "
              "paralel). Galat standar dikelompokkan per wilayah; dengan sedikit kelompok dipakai wild cluster "
              "bootstrap (bobot Webb).",
        "en": "Assumption: without the Pergub, coverage in Kaltim's kab/kota would have moved in parallel with the "
              "other provinces (parallel trends). Standard errors are clustered by region; with few clusters the "
              "wild cluster bootstrap (Webb weights) is used.",
    },
    "assume_event_study": {
        "id": "Efek per bulan relatif terhadap bulan mulai (bulan −1 sebagai acuan). Koefisien sebelum mulai "
              "seharusnya mendekati nol: itu uji tren paralel.",
        "en": "Effects month by month relative to the start (month −1 is the reference). Coefficients before the start "
              "should be near zero: that is the test of parallel trends.",
    },
    "assume_staggered": {
        "id": "Beberapa kab/kota menambah anggaran sendiri pada tanggal berbeda. Sejak Pergub semua kab/kota sudah "
              "menerima bantuan provinsi, jadi sampel dimulai {start}; kab/kota yang belum/tidak menambah anggaran "
              "menjadi pembanding ({control}). Tiap kelompok hanya berisi sedikit kab/kota: ketidakpastian besar.",
        "en": "Some kab/kota add their own budget at different dates. From the Pergub on every kab/kota already "
              "receives provincial support, so the sample starts at {start}; kab/kota that have not (yet) added a "
              "budget are the comparison ({control}). Each cohort holds very few kab/kota: uncertainty is large.",
    },
    "control_never": {"id": "yang tidak pernah", "en": "never treated"},
    "control_notyet": {"id": "yang belum", "en": "not yet treated"},
    "twfe_bias_note": {
        "id": "Mengapa bukan TWFE biasa? Dengan waktu adopsi bertahap dan efek yang tumbuh seiring waktu, TWFE "
              "memakai kab/kota yang lebih dulu menerima co-funding sebagai pembanding bagi yang belakangan, sehingga "
              "efeknya tercampur dengan bobot yang bisa negatif (Goodman-Bacon 2021). Estimator Callaway–Sant'Anna "
              "hanya membandingkan dengan kab/kota yang belum diberi perlakuan. Di sini TWFE: {twfe}; "
              "Callaway–Sant'Anna: {cs}.",
        "en": "Why not plain TWFE? With staggered adoption and effects that grow over time, TWFE uses early adopters "
              "as controls for later ones, mixing effects with weights that can be negative (Goodman-Bacon 2021). The "
              "Callaway–Sant'Anna estimator only compares with units not yet treated. Here TWFE: {twfe}; "
              "Callaway–Sant'Anna: {cs}.",
    },
    "assume_synth": {
        "id": "Kaltim dibandingkan dengan gabungan berbobot provinsi lain yang paling mirip jalur cakupannya sebelum "
              "{start}. Inferensi dengan plasebo: setiap provinsi bergantian diperlakukan seolah-olah menerima "
              "kebijakan.",
        "en": "Kaltim is compared with the weighted mix of other provinces whose coverage path before {start} matches "
              "it best. Inference by placebos: each province in turn is treated as if it had the policy.",
    },
    "assume_dose": {
        "id": "Kab/kota dengan porsi pekerja rentan yang dibantu lebih besar seharusnya naik lebih banyak. "
              "Kemiringan = tambahan poin persen cakupan per 1 poin persen pekerja yang dibantu, yaitu "
              "addisionalitas: 1 berarti setiap penerima adalah peserta baru, 0 berarti semuanya akan ikut sendiri.",
        "en": "Kab/kota where a larger share of vulnerable workers is subsidised should rise more. The slope = "
              "percentage points of coverage per percentage point subsidised, i.e. additionality: 1 means every "
              "recipient is a new participant, 0 means all would have joined anyway.",
    },
    "result_line": {"id": "Estimasi: {est} (IK {level}: {lo} sampai {hi}; p {p}).",
                    "en": "Estimate: {est} ({level} CI: {lo} to {hi}; p {p})."},
    "truth_line": {"id": "Efek sebenarnya dalam data sintetis: {truth}.",
                   "en": "True effect in the synthetic data: {truth}."},
    "pretrend_line": {"id": "Uji tren sebelum kebijakan: F({df1}, {df2}) = {F}, p = {p} — {verdict}.",
                      "en": "Pre-trend test: F({df1}, {df2}) = {F}, p = {p} — {verdict}."},
    "pretrend_ok": {"id": "tidak ada bukti tren berbeda sebelum kebijakan",
                    "en": "no evidence of different trends before the policy"},
    "pretrend_bad": {"id": "tren sebelum kebijakan berbeda: hasil DiD perlu diwaspadai",
                     "en": "trends differ before the policy: treat the DiD result with caution"},
    "synth_line": {"id": "Bobot terbesar: {donors}. Galat sebelum kebijakan (RMSPE) {rmspe}; p plasebo rasio RMSPE {p}.",
                   "en": "Largest weights: {donors}. Pre-policy error (RMSPE) {rmspe}; RMSPE-ratio placebo p {p}."},
    "h_comparison": {"id": "Perbandingan semua desain", "en": "All designs compared"},
    "cap_comparison": {"id": "Estimasi efek menurut desain (poin persen cakupan; dosis–respons: pp per pp)",
                       "en": "Effect estimates by design (percentage points of coverage; dose-response: pp per pp)"},
    "cap_forest": {"id": "Estimasi efek dan interval kepercayaan 95% menurut desain",
                   "en": "Effect estimates and 95% confidence intervals by design"},
    "cap_its": {"id": "Deret waktu terputus: cakupan Kaltim dan kontrafaktualnya", "en": "Interrupted time series: Kaltim coverage and its counterfactual"},
    "cap_event_study": {"id": "Efek per bulan relatif terhadap mulainya Pergub", "en": "Effect by month relative to the Pergub start"},
    "cap_staggered": {"id": "Efek co-funding kab/kota menurut lama sejak adopsi", "en": "Effect of kab/kota co-funding by time since adoption"},
    "cap_synth": {"id": "Kontrol sintetis: Kaltim dan pembanding sintetisnya; selisih dan plasebo", "en": "Synthetic control: Kaltim and its synthetic twin; gap and placebos"},
    "axis_effect_pp": {"id": "Efek (poin persen)", "en": "Effect (percentage points)"},
    "axis_rel_month": {"id": "Bulan relatif terhadap mulai", "en": "Months relative to start"},
    "legend_observed": {"id": "Teramati", "en": "Observed"},
    "legend_fitted": {"id": "Model", "en": "Fitted"},
    "legend_counterfactual": {"id": "Kontrafaktual (tanpa Pergub)", "en": "Counterfactual (no Pergub)"},
    "legend_synthetic": {"id": "Kaltim sintetis", "en": "Synthetic Kaltim"},
    "legend_gap": {"id": "Selisih Kaltim − sintetis", "en": "Gap Kaltim − synthetic"},
    "legend_placebo": {"id": "Plasebo (provinsi lain)", "en": "Placebos (other provinces)"},
    "legend_truth": {"id": "Efek sebenarnya (data sintetis)", "en": "True effect (synthetic data)"},
    "evidence_reading": {
        "id": "Bacaan: {n} desain memperkirakan efek Pergub antara {lo} dan {hi} poin persen cakupan pekerja rentan; "
              "{sig} di antaranya menyingkirkan nol pada tingkat 5%. Addisionalitas diperkirakan {add}: dari setiap "
              "100 penerima bantuan, sekitar {per100} adalah peserta yang tidak akan ikut tanpa bantuan.",
        "en": "Reading: {n} designs put the Pergub's effect between {lo} and {hi} percentage points of vulnerable-worker "
              "coverage; {sig} of them rule out zero at the 5% level. Additionality is estimated at {add}: of every 100 "
              "subsidised recipients about {per100} would not have joined without the subsidy.",
    },
    "col_design": {"id": "Desain", "en": "Design"},
    "col_method": {"id": "Metode", "en": "Method"},
    "col_estimate": {"id": "Estimasi", "en": "Estimate"},
    "col_se": {"id": "Galat baku", "en": "Std. error"},
    "col_ci_low": {"id": "IK bawah", "en": "CI low"},
    "col_ci_high": {"id": "IK atas", "en": "CI high"},
    "col_pvalue": {"id": "Nilai p", "en": "p-value"},
    "col_n_obs": {"id": "Observasi", "en": "Observations"},
    "col_truth": {"id": "Efek sebenarnya", "en": "True effect"},
    "col_covers": {"id": "IK memuat efek sebenarnya", "en": "CI covers true effect"},
    "yes": {"id": "ya", "en": "yes"},
    "no": {"id": "tidak", "en": "no"},
    # ---- 03 budget ------------------------------------------------------------------------
    "h_budget_unit_cost": {"id": "Biaya iuran per pekerja", "en": "Contribution cost per worker"},
    "h_budget_current": {"id": "Biaya penerima bantuan saat ini", "en": "Cost of current recipients"},
    "cap_unit_cost": {"id": "Iuran per pekerja per bulan menurut program",
                      "en": "Contribution per worker per month by programme"},
    "cap_cost_by_year": {"id": "Penerima bantuan dan biaya iuran per tahun",
                         "en": "Subsidy recipients and contribution cost per year"},
    "budget_reading": {
        "id": "Paket {programmes} berbiaya {cost_month} per pekerja per bulan ({cost_year} per tahun).",
        "en": "The {programmes} package costs {cost_month} per worker per month ({cost_year} per year).",
    },
    "h_budget_required": {"id": "Anggaran yang dibutuhkan untuk mencapai target", "en": "Budget needed to reach the target"},
    "budget_additionality": {
        "id": "Addisionalitas yang dipakai: {a} ({how}). Artinya dari 100 penerima bantuan, {per100} adalah peserta baru.",
        "en": "Additionality used: {a} ({how}). Of every 100 recipients, {per100} are new participants.",
    },
    "additionality_estimated": {"id": "diestimasi dari desain dosis–respons di bagian 2", "en": "estimated by the dose-response design in part 2"},
    "additionality_params": {"id": "dari berkas params", "en": "from the params file"},
    "measure_total_coverage": {"id": "cakupan seluruh pekerja", "en": "all-worker coverage"},
    "measure_vulnerable_coverage": {"id": "cakupan pekerja rentan", "en": "vulnerable-worker coverage"},
    "budget_feasible": {
        "id": "Target {target} {measure} pada {year} tercapai dengan {recipients} penerima pada {year}, berbiaya "
              "{cost} (semua sumber) pada tahun itu; bagian APBD provinsi {province}.",
        "en": "The target of {target} {measure} by {year} is reached with {recipients} recipients in {year}, costing "
              "{cost} (all sources) that year; the provincial APBD share is {province}.",
    },
    "budget_infeasible": {
        "id": "Target {target} {measure} pada {year} TIDAK tercapai: dibatasi oleh {binding}. Dengan batas itu cakupan "
              "hanya mencapai {reached} pada {year}.",
        "en": "The target of {target} {measure} by {year} is NOT reachable: limited by {binding}. Within those limits "
              "coverage reaches {reached} in {year}.",
    },
    "binding_room": {"id": "jumlah pekerja rentan yang belum terlindungi (bahkan jika semuanya dibantu, target memerlukan "
                             "kenaikan kepatuhan pemberi kerja di sektor formal)",
                     "en": "the number of unprotected vulnerable workers (even subsidising all of them, the target needs "
                           "higher employer compliance in the formal sector)"},
    "binding_capacity": {"id": "kapasitas pendaftaran per tahun (budget.max_new_recipients_per_year)",
                         "en": "the yearly enrolment capacity (budget.max_new_recipients_per_year)"},
    "binding_cap": {"id": "plafon anggaran dari pendapatan APBD (budget.cap_share_of_revenue)",
                    "en": "the budget ceiling as a share of APBD revenue (budget.cap_share_of_revenue)"},
    "cap_budget_path": {"id": "Kebutuhan anggaran per tahun dibanding plafon APBD provinsi",
                        "en": "Yearly budget need against the provincial APBD ceiling"},
    "cap_budget_table": {"id": "Jalur anggaran minimum menuju target", "en": "Minimum budget path to the target"},
    "h_funding": {"id": "Pembagian pendanaan", "en": "Funding split"},
    "cap_funding": {"id": "Biaya iuran per sumber dana per tahun", "en": "Contribution cost by funding source and year"},
    "h_allocation": {"id": "Alokasi ke kabupaten/kota", "en": "Allocation across kab/kota"},
    "allocation_intro": {
        "id": "Anggaran provinsi tahun {year} ({budget}) dibagi dengan aturan '{rule}'. Batasan: tidak ada kab/kota yang "
              "penerimanya berkurang; setiap kab/kota menutup minimal {equity} kesenjangannya; tidak ada yang mendapat "
              "lebih dari {cap} anggaran. Kab/kota yang ikut mendanai (co-funding) membuat setiap rupiah provinsi "
              "menjangkau lebih banyak pekerja.",
        "en": "The {year} provincial budget ({budget}) is split by the '{rule}' rule. Constraints: no kab/kota loses "
              "recipients; each closes at least {equity} of its gap; none gets more than {cap} of the budget. Kab/kota "
              "that co-fund make each provincial Rupiah reach more workers.",
    },
    "allocation_shadow": {
        "id": "Harga bayangan: setiap tambahan Rp 1 miliar anggaran provinsi melindungi sekitar {n} pekerja tambahan.",
        "en": "Shadow price: each extra Rp 1 billion of provincial budget protects about {n} more workers.",
    },
    "allocation_infeasible": {"id": "Alokasi tidak dapat dihitung: {message}", "en": "The allocation cannot be computed: {message}"},
    "cap_allocation": {"id": "Alokasi anggaran provinsi per kabupaten/kota", "en": "Provincial budget allocation by kab/kota"},
    "cap_rules": {"id": "Pekerja yang baru terlindungi menurut aturan alokasi (batasan sama)",
                  "en": "Newly protected workers by allocation rule (same constraints)"},
    "rule_optimal": {"id": "optimal (program linear)", "en": "optimal (linear program)"},
    "rule_proportional_uncovered": {"id": "sebanding pekerja rentan belum terlindungi", "en": "proportional to unprotected vulnerable workers"},
    "rule_equal_gap": {"id": "penutupan kesenjangan yang sama", "en": "equal gap closing"},
    "rule_per_capita": {"id": "per kapita penduduk bekerja", "en": "per capita of the working population"},
    "h_value": {"id": "Apa yang dibeli setiap rupiah", "en": "What each Rupiah buys"},
    "value_text": {
        "id": "Pada {year}, {recipients} penerima diperkirakan mengalami {deaths} kematian dan {accidents} kecelakaan kerja "
              "per tahun; manfaat JKM dan JKK yang dibayarkan kepada keluarga sekitar {benefits} atau {ratio} kali iuran. "
              "Biaya per pekerja tambahan yang benar-benar baru terlindungi (memperhitungkan addisionalitas): {per_worker} per tahun.",
        "en": "In {year}, {recipients} recipients are expected to see {deaths} deaths and {accidents} work accidents a "
              "year; JKM and JKK benefits paid to families come to about {benefits}, {ratio} times the contributions. "
              "Cost per additional worker actually newly protected (after additionality): {per_worker} a year.",
    },
    "h_extra_groups": {"id": "Kelompok penerima tambahan", "en": "Extra beneficiary groups"},
    "cap_extra_groups": {"id": "Biaya kelompok tambahan (mis. anggota DPRD dengan JKK, JKM, JHT, JP)",
                         "en": "Cost of extra groups (e.g. DPRD members with JKK, JKM, JHT, JP)"},
    "h_uncertainty": {"id": "Ketidakpastian", "en": "Uncertainty"},
    "uncertainty_text": {
        "id": "Simulasi Monte Carlo ({draws} undian, benih {seed}): dengan jalur anggaran di atas, peluang mencapai target "
              "pada {year} adalah {p}. Pita menunjukkan persentil 10–90.",
        "en": "Monte Carlo simulation ({draws} draws, seed {seed}): with the budget path above, the probability of reaching "
              "the target in {year} is {p}. Bands show the 10th–90th percentiles.",
    },
    "cap_fan": {"id": "Cakupan dengan rencana anggaran (kiri) dan biaya untuk mencapai target (kanan), P10–P90",
                "en": "Coverage under the budget plan (left) and cost of reaching the target (right), P10–P90"},
    "cap_tornado": {"id": "Sensitivitas biaya tahun target terhadap setiap asumsi (P10 dan P90)",
                    "en": "Sensitivity of the target-year cost to each assumption (P10 and P90)"},
    "legend_cap": {"id": "Plafon APBD provinsi", "en": "Provincial APBD ceiling"},
    "legend_need_province": {"id": "Kebutuhan APBD provinsi", "en": "Provincial APBD need"},
    "legend_need_other": {"id": "Kab/kota + CSR", "en": "Kab/kota + CSR"},
    "legend_band": {"id": "P10–P90", "en": "P10–P90"},
    "legend_median": {"id": "Median", "en": "Median"},
    "param_vulnerable_growth_share": {"id": "Pertumbuhan pekerja rentan", "en": "Vulnerable-worker growth"},
    "param_self_paid_growth_pp": {"id": "Kenaikan peserta mandiri", "en": "Self-paid uptake growth"},
    "param_formal_coverage_growth_pp": {"id": "Kenaikan kepatuhan sektor formal", "en": "Formal-sector compliance growth"},
    "param_churn_share": {"id": "Penerima keluar per tahun", "en": "Recipient churn per year"},
    "param_additionality_share": {"id": "Addisionalitas", "en": "Additionality"},
    "param_working_pop_growth_share": {"id": "Pertumbuhan penduduk bekerja", "en": "Working-population growth"},
    "col_recipients_path": {"id": "Penerima", "en": "Recipients"},
    "col_cost_rupiah": {"id": "Biaya (semua sumber)", "en": "Cost (all sources)"},
    "col_cost_province": {"id": "Biaya APBD provinsi", "en": "Provincial APBD cost"},
    "col_cap_rupiah": {"id": "Plafon", "en": "Ceiling"},
    "col_coverage_pct": {"id": "Cakupan (%)", "en": "Coverage (%)"},
    "col_budget_rupiah": {"id": "Anggaran provinsi", "en": "Provincial budget"},
    "col_newly_covered": {"id": "Baru terlindungi", "en": "Newly protected"},
    "col_rule": {"id": "Aturan", "en": "Rule"},
    "col_group": {"id": "Kelompok", "en": "Group"},
    "col_headcount": {"id": "Jumlah orang", "en": "Persons"},
    "col_rupiah_per_member_month": {"id": "Iuran per orang per bulan", "en": "Contribution per person per month"},
    "col_cost_total": {"id": "Biaya setahun", "en": "Cost per year"},
    "col_extra_groups_rupiah": {"id": "Kelompok tambahan", "en": "Extra groups"},
    "col_budget_used": {"id": "Anggaran terpakai", "en": "Budget used"},
    "col_coverage_p10": {"id": "Cakupan P10", "en": "Coverage P10"},
    "col_coverage_p50": {"id": "Cakupan P50", "en": "Coverage P50"},
    "col_coverage_p90": {"id": "Cakupan P90", "en": "Coverage P90"},
    "col_cost_p10": {"id": "Biaya P10", "en": "Cost P10"},
    "col_cost_p50": {"id": "Biaya P50", "en": "Cost P50"},
    "col_cost_p90": {"id": "Biaya P90", "en": "Cost P90"},
    "col_p_reach": {"id": "Peluang capai target", "en": "Probability of target"},
    "sum_budget_need": {"id": "APBD provinsi tahun target", "en": "Provincial APBD in the target year"},
    "sum_target_status": {"id": "Target cakupan", "en": "Coverage target"},
    "sum_top_allocation": {"id": "Alokasi terbesar (tahun pertama)", "en": "Largest allocation (first year)"},
    "reachable": {"id": "tercapai", "en": "reachable"},
    "not_reachable": {"id": "tidak tercapai", "en": "not reachable"},
    "total": {"id": "Jumlah", "en": "Total"},
    # ---- 04 scorecard ---------------------------------------------------------------------
    "h_scorecard": {"id": "Peringkat kabupaten/kota", "en": "Kab/kota ranking"},
    "score_intro": {
        "id": "Peringkat awal menurut cakupan pekerja rentan terakhir dan kenaikannya sejak Pergub. "
              "Indeks komposit lengkap (anggaran, regulasi, CSR, kepatuhan, kualitas data) menyusul.",
        "en": "A first ranking by latest vulnerable-worker coverage and its growth since the Pergub. The "
              "full composite index (budget, regulation, CSR, compliance, data quality) follows.",
    },
    "cap_scorecard": {"id": "Cakupan terakhir dan kenaikan sejak Pergub per kabupaten/kota",
                      "en": "Latest coverage and growth since the Pergub by kab/kota"},
    # ---- 00 summary -----------------------------------------------------------------------
    "h_summary": {"id": "Temuan utama", "en": "Key findings"},
    "sum_coverage": {"id": "Cakupan pekerja rentan Kaltim", "en": "Kaltim vulnerable-worker coverage"},
    "sum_change": {"id": "Perubahan sebelum–sesudah", "en": "Before–after change"},
    "sum_recipients": {"id": "Penerima bantuan provinsi", "en": "Provincial subsidy recipients"},
    "sum_cost_year": {"id": "Biaya iuran setahun", "en": "Contribution cost per year"},
    "sum_top_kabkota": {"id": "Kab/kota dengan cakupan tertinggi", "en": "Kab/kota with the highest coverage"},
    "sum_effect": {"id": "Efek Pergub (DiD, IK 95%)", "en": "Pergub effect (DiD, 95% CI)"},
    "sum_data_checks": {"id": "Pemeriksaan data lulus", "en": "Data checks passed"},
    "cap_summary_coverage": {"id": "Cakupan pekerja rentan Kaltim per bulan",
                             "en": "Kaltim vulnerable-worker coverage by month"},
    "cap_summary_headlines": {"id": "Angka utama", "en": "Headline numbers"},
    "sum_narrative": {
        "id": "Cakupan pekerja rentan Kaltim naik dari {before} menjadi {after}. Desain selisih-dalam-selisih "
              "memperkirakan Pergub 19/2023 menambah {effect}. Untuk target cakupan {target}, APBD provinsi perlu "
              "{budget} pada tahun target ({status}). Alokasi tahun pertama terbesar: {allocation}. Skor kualitas data "
              "penerima: {quality}.",
        "en": "Kaltim's vulnerable-worker coverage rose from {before} to {after}. The difference-in-differences design "
              "estimates that Pergub 19/2023 added {effect}. For the coverage target of {target}, the provincial APBD "
              "needs {budget} in the target year ({status}). Largest first-year allocation: {allocation}. Recipient "
              "data-quality score: {quality}.",
    },
    "h_summary_charts": {"id": "Grafik angka utama", "en": "Charts of the headline numbers"},
    "sum_missing": {"id": "Hasil bagian {notebook} tidak tersedia.", "en": "Results of {notebook} are not available."},
}

MONTHS = {
    "id": ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
           "November", "Desember"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}


def t(key: str, lang: str = "id", **fmt: object) -> str:
    """The text for ``key`` in ``lang``, with ``{placeholders}`` filled from ``fmt``."""
    text = TEXT[key][lang]
    return text.format(**fmt) if fmt else text


def _group(digits: str, sep: str) -> str:
    out = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    out.insert(0, digits)
    return sep.join(out)


def fmt_number(x: float, lang: str = "id", decimals: int = 0) -> str:
    """``1234567.891`` → ``1.234.567,89`` (id) or ``1,234,567.89`` (en); NaN → ``–``."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    thousands, point = (".", ",") if lang == "id" else (",", ".")
    neg = x < 0
    text = f"{abs(x):.{decimals}f}"
    whole, _, frac = text.partition(".")
    out = _group(whole, thousands) + (point + frac if frac else "")
    return ("-" if neg and out.strip("0.,") else "") + out


def fmt_rupiah(x: float, lang: str = "id") -> str:
    """Rupiah, whole: ``Rp 1.234.567`` (id) / ``Rp 1,234,567`` (en)."""
    return "Rp " + fmt_number(x, lang, 0)


def fmt_rupiah_short(x: float, lang: str = "id", decimals: int = 1) -> str:
    """Large Rupiah in words: ``Rp 12,3 miliar`` (id) / ``Rp 12.3 billion`` (en)."""
    units = [(1e12, "triliun", "trillion"), (1e9, "miliar", "billion"), (1e6, "juta", "million")]
    for size, word_id, word_en in units:
        if abs(x) >= size:
            return f"Rp {fmt_number(x / size, lang, decimals)} {word_id if lang == 'id' else word_en}"
    return fmt_rupiah(x, lang)


def fmt_pct(x: float, lang: str = "id", decimals: int = 1) -> str:
    """Percent: ``12,3%`` (id) / ``12.3%`` (en); ``x`` is already in percent."""
    return fmt_number(x, lang, decimals) + "%"


def fmt_pp(x: float, lang: str = "id", decimals: int = 1) -> str:
    """Percentage points with sign: ``+3,2 pp`` / ``+3.2 pp``."""
    sign = "+" if x > 0 else ""
    return sign + fmt_number(x, lang, decimals) + " pp"


def fmt_pvalue(p: float, lang: str = "id") -> str:
    """``0.0004`` → ``< 0,001``; otherwise three decimals."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "–"
    return ("< " + fmt_number(0.001, lang, 3)) if p < 0.001 else fmt_number(p, lang, 3)


def fmt_month(ts, lang: str = "id") -> str:
    """``2023-07`` → ``Juli 2023`` (id) / ``July 2023`` (en)."""
    import pandas as pd

    ts = pd.Timestamp(str(ts))
    return f"{MONTHS[lang][ts.month - 1]} {ts.year}"


def month_abbrev(lang: str = "id") -> list[str]:
    """Three-letter month names for chart axes."""
    return [m[:3] for m in MONTHS[lang]]
