"""The data docs' index, built from what each stored validation result says about itself, not from every result
deserialised again.

GX's ``DefaultSiteIndexBuilder`` rebuilds the index on every load and reads each validation result ever stored
through its marshmallow schema (about 3 ms each) to show two things: whether it passed and its asset. A home of three
years of weekly loads spent 0.6 s of every load on that. This builder reads those two things from the stored JSON
itself; the index is the same (``tests/pipelines/test_docs.py`` compares them). Tied to the pinned GX (1.24), whose
index builder this subclasses; imported by GX through the site's ``module_name`` only.
"""
from __future__ import annotations

import json
import logging

from great_expectations.render.renderer.site_builder import (FALSEY_YAML_STRINGS, DefaultSiteIndexBuilder,
                                                             resource_key_passes_run_name_filter)

log = logging.getLogger("wijkradar.docs")


class StoredResultsIndexBuilder(DefaultSiteIndexBuilder):
    """GX's index builder, reading each validation's success and asset name from its stored JSON."""

    def _add_validations_to_index_links(self, index_links_dict, validation_and_profiling_result_site_keys) -> None:
        validations = self.site_section_builders_config.get("validations", "None")
        if not validations or validations in FALSEY_YAML_STRINGS:
            return
        run_name_filter = self.site_section_builders_config["validations"]["run_name_filter"]
        keys = sorted((key for key in validation_and_profiling_result_site_keys
                       if resource_key_passes_run_name_filter(key, run_name_filter)),
                      key=lambda key: key.run_id.run_time, reverse=True)
        if self.validation_results_limit:
            keys = keys[: self.validation_results_limit]
        store = self.data_context.stores[self.source_stores.get("validations")]
        for key in keys:
            try:
                stored = json.loads(store._store_backend.get(store.key_to_tuple(key)))
            except Exception:  # noqa: BLE001 - as GX's own: a result that cannot be read is left out of the index
                log.warning("validation result not found: %s - skipping", key.to_tuple())
                continue
            meta = stored.get("meta") or {}
            batch_kwargs, batch_spec = meta.get("batch_kwargs", {}), meta.get("batch_spec", {})
            asset_name = (batch_kwargs.get("data_asset_name") or batch_spec.get("data_asset_name")
                          or (meta.get("active_batch_definition") or {}).get("data_asset_name"))
            self.add_resource_info_to_index_links_dict(
                index_links_dict=index_links_dict,
                expectation_suite_name=key.expectation_suite_identifier.name,
                section_name="validations",
                batch_identifier=key.batch_identifier,
                run_id=key.run_id,
                validation_success=stored.get("success"),
                run_time=key.run_id.run_time,
                run_name=key.run_id.run_name,
                asset_name=asset_name,
                batch_kwargs=batch_kwargs,
                batch_spec=batch_spec,
            )
