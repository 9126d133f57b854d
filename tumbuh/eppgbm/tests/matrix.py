"""Permission-matrix rows of the e-PPGBM pages (collected by
tumbuh/tests/test_permission_matrix.py).

Only data managers (bidan, administrators) import and export; everyone else gets 403. An
import run (its report, progress JSON and error CSV) is seen by whoever ran it — here bidan
A — and administrators; an uploaded file waiting for its mapping only by whoever uploaded it.
"""

from tumbuh.testmatrix import EVERYONE, Case

MANAGERS = {"bidan_a", "bidan_b", "admin"}
OTHERS = EVERYONE - MANAGERS


def extra(cast):
    from tumbuh.eppgbm.models import ImportRun
    from tumbuh.eppgbm.views import upload_dir

    run = ImportRun.objects.create(file_name="uji.csv", created_by=cast.bidan_a, rows=1)
    token = "matrixtoken0123456789"
    (upload_dir() / f"{token}.{cast.bidan_a.pk}").write_bytes(
        b"NIK;Nama;JK;Tgl Lahir;Posyandu;Tanggal Pengukuran;Berat\n;Anak;L;01-01-2025;Melati;"
        b"01-06-2025;8\n"
    )  # fmt: skip
    return {"eppgbm_run": run, "eppgbm_token": token}


CASES = {
    "eppgbm:upload": Case(ok=MANAGERS, role_denied=OTHERS),
    "eppgbm:runs": Case(ok=MANAGERS, role_denied=OTHERS),
    "eppgbm:export": Case(ok=MANAGERS, role_denied=OTHERS),
    "eppgbm:preview": Case(lambda c, x: [x["eppgbm_token"]], ok={"bidan_a"}, scope={"bidan_a"},
                           role_denied=OTHERS),
    "eppgbm:report": Case(lambda c, x: [x["eppgbm_run"].pk], ok={"bidan_a", "admin"},
                          scope={"bidan_a", "admin"}, role_denied=OTHERS),
    "eppgbm:progress": Case(lambda c, x: [x["eppgbm_run"].pk], ok={"bidan_a", "admin"},
                            scope={"bidan_a", "admin"}, role_denied=OTHERS),
    "eppgbm:errors_csv": Case(lambda c, x: [x["eppgbm_run"].pk], ok={"bidan_a", "admin"},
                              scope={"bidan_a", "admin"}, role_denied=OTHERS),
    "eppgbm:errors_xlsx": Case(lambda c, x: [x["eppgbm_run"].pk], ok={"bidan_a", "admin"},
                               scope={"bidan_a", "admin"}, role_denied=OTHERS),
}
