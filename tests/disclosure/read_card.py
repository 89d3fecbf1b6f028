"""Parses a dataset card with huggingface_hub's DatasetCard and prints what tests check, as JSON.

Usage: python read_card.py README.md
"""

import json
import sys

from huggingface_hub import DatasetCard

card = DatasetCard.load(sys.argv[1])
data = card.data.to_dict()
print(
    json.dumps(
        {
            "pretty_name": data.get("pretty_name"),
            "license": data.get("license"),
            "task_categories": data.get("task_categories"),
            "size_categories": data.get("size_categories"),
            "language": data.get("language"),
            "configs": data.get("configs"),
            "text": card.text,
        }
    )
)
