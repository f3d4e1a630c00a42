package hub

import "fmt"

// PutCarPhotoThumbnail makes the small JPEG the staff card and the
// customer's page show for a car photo (MakeThumbnail, as inspection
// photos get theirs) and stores it in media, returning its hash: the full
// photo is opened on a tap only, not a phone's 12 megapixels drawn per
// cell. "" with no error when the type has no pure-Go decoder (WebP,
// HEIC): the pages then show the photo itself or its name. A picture that
// cannot be decoded or is too large is an error the caller logs; the
// photo is stored without a thumbnail all the same.
func PutCarPhotoThumbnail(media *Media, data []byte, contentType string) (string, error) {
	thumb, err := MakeThumbnail(data, contentType)
	if err != nil || thumb == nil {
		return "", err
	}
	hash, err := media.Put(thumb)
	if err != nil {
		return "", fmt.Errorf("car photo thumbnail: %w", err)
	}
	return hash, nil
}
