"""The reflective log's part in "download your data" and "delete your account"."""

from learnset.accounts import personal_data
from learnset.reflections.exports import erase_personal_data, export_personal_data

personal_data.register("reflective_log", export_personal_data, erase_personal_data)
