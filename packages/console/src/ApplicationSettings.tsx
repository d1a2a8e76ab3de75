// An application's Settings tab: its name and description, and its deletion (with
// every token it holds) behind typing its name. Then back to the applications list.
import type { Application } from '@latchkey/contract';
import { clientFor } from './api.js';
import { DeleteSection, DetailsForm } from './DetailsForm.js';
import { navigate } from './router.js';

/** The API's limit on an application's description (applicationPatchSchema). */
const descriptionMaxLength = 1024;

export function ApplicationSettings({ token, application, onSaved }: { token: string; application: Application; onSaved: () => void }) {
  const applicationId = application.id;
  return (
    <>
      <DetailsForm
        what="application"
        name={application.name}
        description={application.description ?? ''}
        descriptionMaxLength={descriptionMaxLength}
        onSave={async (fields) => {
          await clientFor(token).application.patch({ applicationId, application: fields });
          onSaved();
        }}
      />
      <DeleteSection
        what="application"
        name={application.name}
        consequence="Deleting the application deletes its tokens too: anything still using them is refused from the next request."
        onDelete={async () => {
          await clientFor(token).application.delete({ applicationId });
        }}
        onDeleted={() => navigate({ page: 'applications' })}
      />
    </>
  );
}
