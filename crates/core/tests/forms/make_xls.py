# Writes crates/core/tests/forms/menage_kle.xls: a household survey in French, English and
# Bambara, in the old .xls format (BIFF8), as some teams still keep theirs.
import xlwt
wb = xlwt.Workbook(encoding="utf-8")
s = wb.add_sheet("Survey")
rows = [
    ["type", "name", "label::Français (fr)", "label::English (en)", "label::Bambara (bm)", "required", "relevant", "constraint", "constraint_message::Français (fr)", "constraint_message::English (en)", "appearance", "repeat_count", "calculation"],
    ["start", "debut", "", "", "", "", "", "", "", "", "", "", ""],
    ["today", "jour", "", "", "", "", "", "", "", "", "", "", ""],
    ["select_one region", "region", "Région", "Region", "Mara", "yes", "", "", "", "", "minimal", "", ""],
    ["integer", "taille", "Nombre de personnes du ménage", "Household size", "Du mɔgɔw hakɛ", "yes", "", ". > 0 and . < 40", "Entre 1 et 39", "Between 1 and 39", "", "", ""],
    ["begin repeat", "membres", "Membres", "Members", "Denbaya mɔgɔw", "", "", "", "", "", "field-list", "${taille}", ""],
    ["text", "prenom", "Prénom", "First name", "Tɔgɔ", "yes", "", "", "", "", "", "", ""],
    ["integer", "age", "Âge", "Age", "Si", "yes", "", ". >= 0", "Âge positif", "Positive age", "", "", ""],
    ["select_one sexe", "sexe", "Sexe", "Sex", "Cɛ walima muso", "yes", "", "", "", "", "", "", ""],
    ["end repeat", "", "", "", "", "", "", "", "", "", "", "", ""],
    ["select_multiple sources or_other", "sources_eau", "Sources d'eau", "Water sources", "Ji bɔyɔrɔw", "", "${taille} > 0", "", "", "", "", "", ""],
    ["calculate", "n_membres", "", "", "", "", "", "", "", "", "", "", "count(${membres})"],
    ["note", "fin", "Merci", "Thank you", "I ni ce", "", "", "", "", "", "", "", ""],
]
for r, row in enumerate(rows):
    for c, v in enumerate(row):
        if v != "":
            s.write(r, c, v)
c = wb.add_sheet("choices")
crows = [
    ["list_name", "name", "label::Français (fr)", "label::English (en)", "label::Bambara (bm)"],
    ["region", "kayes", "Kayes", "Kayes", "Kayi"],
    ["region", "mopti", "Mopti", "Mopti", "Mopti"],
    ["sexe", "f", "Féminin", "Female", "Muso"],
    ["sexe", "m", "Masculin", "Male", "Cɛ"],
    ["sources", "puits", "Puits", "Well", "Kɔlɔn"],
    ["sources", "forage", "Forage", "Borehole", "Pɔnpu"],
    ["sources", 1, "Fleuve", "River", "Baji"],
]
for r, row in enumerate(crows):
    for col, v in enumerate(row):
        c.write(r, col, v)
st = wb.add_sheet("SETTINGS")
st.write(0, 0, "form_title"); st.write(0, 1, "form_id"); st.write(0, 2, "version"); st.write(0, 3, "default_language")
st.write(1, 0, "Ménage (KLE)"); st.write(1, 1, "menage_kle"); st.write(1, 2, 2025030101); st.write(1, 3, "Français (fr)")
wb.save("menage_kle.xls")
