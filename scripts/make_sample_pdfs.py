"""Write the small sample PDFs that the sample content attaches.

Run once when the samples change: `pip install fpdf2 && python scripts/make_sample_pdfs.py`.
fpdf2 is only needed here, not to build or test the site. The output is deterministic.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF

ROOT = Path(__file__).resolve().parent.parent / "content"
NOTE = "Sample document generated for the demonstration site of the documentation centre."

SAMPLES = {
    "reports/files/ferry-companies.pdf": (
        "Addressing human trafficking in the Baltic Sea",
        [
            "Passenger ferries link every country around the Baltic Sea. This sample report "
            "describes how ferry companies, the police, border guards and NGOs can cooperate "
            "against trafficking in human beings, smuggling of migrants and the exploitation "
            "of migrant workers.",
            "Annex: gangway briefing checklist. Before departure, the purser reviews with the "
            "crew the signs that a passenger may travel under another person's control: "
            "documents held by a companion, scripted answers, no luggage on a long trip.",
        ],
    ),
    "reports/files/exchange-of-information.pdf": (
        "Exchange of information in cases of trafficking in human beings",
        [
            "Trafficking cases cross borders; the information needed to prosecute them often "
            "does not. This sample report reviews police, prosecutor and NGO channels in the "
            "Nordic countries and the Baltic States, and proposes named contact points.",
        ],
    ),
    "reports/files/solutions-and-recommendations.pdf": (
        "Solutions and recommendations for the Nordic-Baltic region",
        [
            "Recommendations on identification, prosecution and protection, gathered from the "
            "programme's conferences and forums between 2013 and 2016.",
        ],
    ),
    "reports/files/lithuania-recommendations.pdf": (
        "Recommendations from Lithuania",
        [
            "Identification of victims, pre-trial investigation and cooperation between "
            "institutions: an English summary of the Lithuanian recommendations.",
        ],
    ),
    "reports/files/social-consequences.pdf": (
        "Victims of human trafficking need years of rehabilitation",
        [
            "A summary of knowledge forum II on the social consequences of trafficking for "
            "victims, their families and communities.",
        ],
    ),
    "documents/files/2427.pdf": (
        "Human trafficking in the Baltic Sea region",
        [
            "State and civil society cooperation on victims' assistance and protection. "
            "Part one: cooperation mechanisms, national action plans and national rapporteurs. "
            "Part two: profiles of the eleven countries of the Baltic Sea region.",
        ],
    ),
    "documents/files/2436.pdf": (
        "Guidelines for identifying victims of trafficking for forced labour",
        [
            "Indicators of forced labour: withheld wages, confiscated identity papers, debts "
            "to recruiters, housing controlled by the employer. What to ask, whom to call.",
        ],
    ),
}


def write_pdf(path: Path, title: str, paragraphs: list[str]) -> None:
    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime(2020, 1, 1, tzinfo=UTC))
    pdf.set_title(title)
    pdf.set_author("Nordic-Baltic Documentation Centre (sample)")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, title)
    pdf.ln(4)
    pdf.set_font("Helvetica", "I", 9)
    pdf.multi_cell(0, 5, NOTE)
    pdf.ln(4)
    pdf.set_font("Helvetica", size=11)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 6, paragraph)
        pdf.ln(3)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))


if __name__ == "__main__":
    for relative, (title, paragraphs) in SAMPLES.items():
        write_pdf(ROOT / relative, title, paragraphs)
        print(relative, (ROOT / relative).stat().st_size, "bytes")
