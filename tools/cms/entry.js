// Entry of the vendored Sveltia CMS bundle (built by tools/update_cms.sh, served at /admin/cms.js).
// The admin page (written by ocop/admin.py) sets window.OCOP_CMS = {previewStyles: [...]} before loading it.
import CMS from '@sveltia/cms';

for (const href of (window.OCOP_CMS && window.OCOP_CMS.previewStyles) || []) {
  CMS.registerPreviewStyle(href);
}
CMS.init();
