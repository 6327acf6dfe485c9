"""Record linkage for person records: standardising names, phones, identity card numbers and
birth dates (`standardise`), so that the registry can find a person whatever the script or
spelling and warn about likely duplicates. Pure Python; never imports Django."""
