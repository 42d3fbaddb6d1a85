"""Builds the spaCy pipeline the NLU uses: English tokenizer plus lookup lemmatizer.

Official spaCy model packages are not used (they are not on the package registry we can
reach, and re-uploads are a supply-chain risk). A blank English pipeline with the lookup
lemmatizer from `spacy-lookups-data` (a PyPI package) gives tokens and lemmas, which is
all the safety matcher and the count-vector features need. Nothing is fetched at run time.

Usage: python -m bot.tools.build_spacy_pipeline models/spacy-en
"""

import sys
from pathlib import Path

import spacy


def build(target: Path) -> None:
    """Writes a blank English pipeline with the lookup lemmatizer to `target`."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lookup tables from spacy-lookups-data
    nlp.meta["name"] = "deepfake_support_en"
    nlp.meta["description"] = "Blank English tokenizer + lookup lemmatizer, built locally."
    target.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)


def main() -> None:
    """Builds the pipeline, then checks that it lemmatises (the tables really loaded)."""
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "models/spacy-en")
    build(target)
    check = spacy.load(target)
    lemmas = [t.lemma_ for t in check("they were threatening me")]
    assert lemmas[-2] == "threaten", lemmas  # the lookup tables really loaded
    print(f"spaCy pipeline written to {target}")


if __name__ == "__main__":
    main()
